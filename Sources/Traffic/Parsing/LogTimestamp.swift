/// Fast fixed-format timestamp parsing for access logs.
///
/// `[10/Oct/2000:13:55:36 -0700]` (Common Log Format, `$time_local`) and ISO-8601
/// (`2000-10-10T13:55:36.123Z`, `+02:00` offsets). The day number of the last date seen is
/// cached, so consecutive lines of the same day cost only the clock part.
public struct LogTimestampParser: Sendable {
    private var cachedDateKey: UInt64 = .max
    private var cachedYearTail: UInt32 = .max
    private var cachedDays: Int = 0

    /// Creates a parser with an empty cache.
    public init() {}

    /// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
    @inline(__always)
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    @inline(__always)
    private static func two(_ p: UnsafePointer<UInt8>, _ i: Int) -> Int? {
        let a = Int(p[i]) &- 48, b = Int(p[i + 1]) &- 48
        guard a >= 0, a <= 9, b >= 0, b <= 9 else { return nil }
        return a * 10 + b
    }

    @inline(__always)
    private static func month(_ p: UnsafePointer<UInt8>, _ i: Int) -> Int? {
        let key = (UInt32(p[i]) << 16) | (UInt32(p[i + 1] | 0x20) << 8) | UInt32(p[i + 2] | 0x20)
        switch key {
        case 0x4A_616E: return 1  // Jan
        case 0x46_6562: return 2  // Feb
        case 0x4D_6172: return 3  // Mar
        case 0x41_7072: return 4  // Apr
        case 0x4D_6179: return 5  // May
        case 0x4A_756E: return 6  // Jun
        case 0x4A_756C: return 7  // Jul
        case 0x41_7567: return 8  // Aug
        case 0x53_6570: return 9  // Sep
        case 0x4F_6374: return 10  // Oct
        case 0x4E_6F76: return 11  // Nov
        case 0x44_6563: return 12  // Dec
        default: return nil
        }
    }

    /// Parses `dd/Mon/yyyy:HH:MM:SS +zzzz` (26 bytes, without brackets) into epoch seconds.
    public mutating func parseCommonLog(_ p: UnsafePointer<UInt8>, count: Int) -> Double? {
        guard count >= 20, p[2] == UInt8(ascii: "/"), p[6] == UInt8(ascii: "/"), p[11] == UInt8(ascii: ":") else { return nil }
        // Date key: bytes 0..<11 packed (dd/Mon/yyyy) — 8 bytes + 3 bytes.
        let key = UInt64(unalignedFrom: p)
        let yearTail = UInt32(p[8]) | UInt32(p[9]) << 8 | UInt32(p[10]) << 16
        let days: Int
        if key == cachedDateKey && yearTail == cachedYearTail {
            days = cachedDays
        } else {
            guard let day = Self.two(p, 0), let month = Self.month(p, 3), let century = Self.two(p, 7), let year = Self.two(p, 9),
                  day >= 1, day <= 31 else { return nil }
            days = Self.daysFromCivil(year: century * 100 + year, month: month, day: day)
            cachedDateKey = key
            cachedYearTail = yearTail
            cachedDays = days
        }
        guard let hour = Self.two(p, 12), let minute = Self.two(p, 15), let second = Self.two(p, 18),
              p[14] == UInt8(ascii: ":"), p[17] == UInt8(ascii: ":"), hour < 24, minute < 60, second <= 60 else { return nil }
        var offset = 0
        if count >= 26 {
            guard p[20] == UInt8(ascii: " "), let oh = Self.two(p, 22), let om = Self.two(p, 24) else { return nil }
            offset = (oh * 3600 + om * 60) * (p[21] == UInt8(ascii: "-") ? -1 : 1)
            guard p[21] == UInt8(ascii: "-") || p[21] == UInt8(ascii: "+") else { return nil }
        } else if count != 20 {
            return nil
        }
        return Double(days * 86_400 + hour * 3600 + minute * 60 + second - offset)
    }

    /// Parses ISO-8601 `yyyy-mm-ddTHH:MM:SS[.fff][Z|±hh:mm|±hhmm]` (space allowed for `T`).
    public func parseISO8601(_ p: UnsafePointer<UInt8>, count: Int) -> Double? {
        guard count >= 19, p[4] == UInt8(ascii: "-"), p[7] == UInt8(ascii: "-"),
              p[10] == UInt8(ascii: "T") || p[10] == UInt8(ascii: " ") || p[10] == UInt8(ascii: "t"),
              p[13] == UInt8(ascii: ":"), p[16] == UInt8(ascii: ":"),
              let c = Self.two(p, 0), let y = Self.two(p, 2), let month = Self.two(p, 5), let day = Self.two(p, 8),
              let hour = Self.two(p, 11), let minute = Self.two(p, 14), let second = Self.two(p, 17),
              month >= 1, month <= 12, day >= 1, day <= 31, hour < 24, minute < 60, second <= 60 else { return nil }
        var value = Double(Self.daysFromCivil(year: c * 100 + y, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + second)
        var index = 19
        if index < count && (p[index] == UInt8(ascii: ".") || p[index] == UInt8(ascii: ",")) {
            index += 1
            var scale = 0.1
            while index < count, p[index] >= 48, p[index] <= 57 {
                value += Double(p[index] - 48) * scale
                scale /= 10
                index += 1
            }
        }
        if index == count { return value }
        switch p[index] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            return index + 1 == count ? value : nil
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            let sign: Double = p[index] == UInt8(ascii: "-") ? -1 : 1
            guard count - index >= 5, let oh = Self.two(p, index + 1) else { return nil }
            let minuteIndex = p[index + 3] == UInt8(ascii: ":") ? index + 4 : index + 3
            guard minuteIndex + 2 == count, let om = Self.two(p, minuteIndex) else { return nil }
            return value - sign * Double(oh * 3600 + om * 60)
        default:
            return nil
        }
    }
}

extension UInt64 {
    @inline(__always)
    init(unalignedFrom pointer: UnsafePointer<UInt8>) {
        self = UnsafeRawPointer(pointer).loadUnaligned(as: UInt64.self)
    }
}
