/// Parses ISO-8601 timestamps (`2024-05-01T12:00:00Z`, offsets, fractional seconds),
/// `YYYY-MM-DD HH:MM:SS` (UTC) and Unix time (seconds, or milli-, micro- or nanoseconds as
/// exported by Grafana, JavaScript and tracing tools) into Unix seconds.
enum TimestampParser {
    /// Unix times at or above this many units are not seconds (1e11 s is the year 5138): they
    /// are read as milliseconds, at 1e14 as microseconds, at 1e17 as nanoseconds.
    static let epochUnitThresholds: [(atLeast: Double, divisor: Double)] = [(1e17, 1e9), (1e14, 1e6), (1e11, 1e3)]

    static func parse<S: StringProtocol>(_ text: S) -> Double? {
        let s = Array(text.utf8)
        if s.isEmpty { return nil }
        // Unix time
        if s.allSatisfy({ ($0 >= 48 && $0 <= 57) || $0 == 46 }), s.count >= 9 {
            guard let value = Double(String(text)) else { return nil }
            let unit = epochUnitThresholds.first { value >= $0.atLeast }
            return unit.map { value / $0.divisor } ?? value
        }
        var i = 0
        func number(_ digits: Int) -> Int? {
            guard i + digits <= s.count else { return nil }
            var v = 0
            for k in 0..<digits {
                let c = s[i + k]
                guard c >= 48 && c <= 57 else { return nil }
                v = v * 10 + Int(c - 48)
            }
            i += digits
            return v
        }
        func expect(_ c: UInt8) -> Bool {
            guard i < s.count, s[i] == c else { return false }
            i += 1
            return true
        }
        guard let year = number(4), expect(45), let month = number(2), expect(45), let day = number(2),
              (1...12).contains(month), (1...31).contains(day) else { return nil }
        var hour = 0, minute = 0, second = 0.0
        if i < s.count {
            guard s[i] == 84 || s[i] == 32 || s[i] == 116 else { return nil }  // 'T', ' ', 't'
            i += 1
            guard let h = number(2), expect(58), let m = number(2), h < 24, m < 60 else { return nil }
            hour = h
            minute = m
            if expect(58) {
                guard let sec = number(2), sec <= 60 else { return nil }
                second = Double(sec)
                if i < s.count, s[i] == 46 || s[i] == 44 {
                    i += 1
                    var scale = 0.1
                    var any = false
                    while i < s.count, s[i] >= 48, s[i] <= 57 {
                        second += Double(s[i] - 48) * scale
                        scale /= 10
                        i += 1
                        any = true
                    }
                    if !any { return nil }
                }
            }
        }
        var offset = 0
        if i < s.count {
            if s[i] == 90 || s[i] == 122 {  // Z
                i += 1
            } else if s[i] == 43 || s[i] == 45 {
                let sign = s[i] == 45 ? -1 : 1
                i += 1
                guard let oh = number(2) else { return nil }
                _ = expect(58)
                let om = number(2) ?? 0
                offset = sign * (oh * 3600 + om * 60)
            }
        }
        guard i == s.count else { return nil }
        let days = daysFromCivil(year, month, day)
        return Double(days * 86400 + hour * 3600 + minute * 60 - offset) + second
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
    static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    /// ISO-8601 UTC text of a Unix time (whole seconds).
    static func iso8601(_ t: Double) -> String {
        let secs = Int((t).rounded(.down))
        var days = secs / 86400
        var rem = secs % 86400
        if rem < 0 { rem += 86400; days -= 1 }
        let z = days + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(y)-\(two(m))-\(two(d))T\(two(rem / 3600)):\(two(rem % 3600 / 60)):\(two(rem % 60))Z"
    }
}
