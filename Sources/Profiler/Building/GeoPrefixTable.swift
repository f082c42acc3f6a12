import Traffic

/// A user-supplied IP-prefix → country table, loaded from CSV lines `prefix,country`
/// (`81.2.69.0/24,GB`; `#` comments and a header line allowed). IPv4 only; longest prefix wins.
public struct GeoPrefixTable: Sendable, Equatable {
    private struct Range: Sendable, Equatable {
        var low: UInt32
        var high: UInt32
        var prefixLength: Int
        var country: String
    }

    /// Why a table line was refused.
    public struct TableError: Error, Sendable, Equatable, CustomStringConvertible {
        /// What and where (`file:line`).
        public var message: String
        public var description: String { message }
    }

    private var ranges: [Range] = []

    /// Number of prefixes.
    public var count: Int { ranges.count }

    /// Parses the CSV text; `name` is used in errors.
    public init(csv: String, name: String = "geo table") throws {
        for (index, rawLine) in csv.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmed(" \t\r")
            if line.isEmpty || line.hasPrefix("#") { continue }
            let parts = line.split(separator: ",").map { $0.trimmed(" \t\"") }
            if index == 0 && parts.first?.lowercased().contains("prefix") == true { continue }
            guard parts.count >= 2 else { throw TableError(message: "\(name):\(index + 1): expected 'prefix,country'") }
            let prefixParts = parts[0].split(separator: "/")
            guard let address = Self.ipv4(Array(prefixParts[0].utf8)) else {
                throw TableError(message: "\(name):\(index + 1): '\(parts[0])' is not an IPv4 prefix")
            }
            let length = prefixParts.count > 1 ? Int(prefixParts[1]) ?? -1 : 32
            guard length >= 0, length <= 32 else { throw TableError(message: "\(name):\(index + 1): bad prefix length in '\(parts[0])'") }
            let country = parts[1].uppercased()
            guard country.count == 2, country.allSatisfy({ $0.isLetter }) else {
                throw TableError(message: "\(name):\(index + 1): '\(parts[1])' is not a 2-letter country code")
            }
            let mask: UInt32 = length == 0 ? 0 : UInt32.max << UInt32(32 - length)
            ranges.append(Range(low: address & mask, high: (address & mask) | ~mask, prefixLength: length, country: country))
        }
        ranges.sort { $0.low != $1.low ? $0.low < $1.low : $0.prefixLength < $1.prefixLength }
    }

    /// Parses dotted IPv4 bytes.
    static func ipv4(_ bytes: some Collection<UInt8>) -> UInt32? {
        var value: UInt32 = 0, part: UInt32 = 0, digits = 0, dots = 0
        for byte in bytes {
            if byte == UInt8(ascii: ".") {
                guard digits > 0, part <= 255 else { return nil }
                value = value << 8 | part; part = 0; digits = 0; dots += 1
            } else if byte >= 48 && byte <= 57 {
                part = part * 10 + UInt32(byte - 48); digits += 1
                guard digits <= 3 else { return nil }
            } else {
                return nil
            }
        }
        guard dots == 3, digits > 0, part <= 255 else { return nil }
        return value << 8 | part
    }

    /// The country of an address, or `nil`.
    public func country(of address: ByteSpan) -> String? {
        guard !ranges.isEmpty, let ip = Self.ipv4(address.buffer) else { return nil }
        // Last range starting at or below ip; walk back for the longest containing prefix.
        var low = 0, high = ranges.count
        while low < high {
            let mid = (low + high) / 2
            if ranges[mid].low <= ip { low = mid + 1 } else { high = mid }
        }
        var best: Range?
        var index = low - 1
        var steps = 0
        while index >= 0 && steps < 64 {
            let range = ranges[index]
            if range.low <= ip && ip <= range.high && range.prefixLength > (best?.prefixLength ?? -1) { best = range }
            index -= 1
            steps += 1
        }
        return best?.country
    }
}

extension StringProtocol {
    fileprivate func trimmed(_ set: String) -> String {
        var slice = Substring(String(self))
        while let first = slice.first, set.contains(first) { slice = slice.dropFirst() }
        while let last = slice.last, set.contains(last) { slice = slice.dropLast() }
        return String(slice)
    }
}
