import Foundation

/// Replaces the history placeholders of a pretty-printed profile skeleton with the arrays they
/// stand for, formatted exactly as `JSONEncoder` (`.prettyPrinted`) formats an `[Int]`:
/// one element per line, indented two spaces past the line holding the key, and `[\n\n]` when empty.
struct HistoryArrayWriter {
    let marker: HistorySeries.Marker
    let history: HistorySeries
    private var nextRoute = 0

    init(marker: HistorySeries.Marker, history: HistorySeries) {
        self.marker = marker
        self.history = history
    }

    mutating func splice(_ skeleton: Data) throws -> Data {
        let needle = Array(("\"" + marker.prefix).utf8)
        var output: [UInt8] = []
        output.reserveCapacity(skeleton.count + 8 * (history.total.count * (history.routes.count + 2)))
        try skeleton.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let bytes = raw.bindMemory(to: UInt8.self)
            guard let base = bytes.baseAddress else { return }
            var position = 0
            while position < bytes.count {
                guard let hit = Self.find(needle, in: base, from: position, count: bytes.count) else {
                    output.append(contentsOf: UnsafeBufferPointer(start: base + position, count: bytes.count - position))
                    break
                }
                output.append(contentsOf: UnsafeBufferPointer(start: base + position, count: hit - position))
                // The placeholder's name runs to the closing quote.
                var close = hit + needle.count
                while close < bytes.count && base[close] != UInt8(ascii: "\"") { close += 1 }
                let name = String(decoding: UnsafeBufferPointer(start: base + hit + needle.count, count: close - hit - needle.count), as: UTF8.self)
                var lineStart = hit
                while lineStart > 0 && base[lineStart - 1] != 10 { lineStart -= 1 }
                var indent = 0
                while base[lineStart + indent] == UInt8(ascii: " ") { indent += 1 }
                try write(array(named: name), indent: indent, into: &output)
                position = close + 1
            }
        }
        guard nextRoute == history.routes.count else {
            throw EncodingError.invalidValue(history, .init(codingPath: [], debugDescription: "history placeholders did not match the route series"))
        }
        return Data(output)
    }

    private mutating func array(named name: String) throws -> [Int] {
        switch name {
        case HistorySeries.Marker.total: return history.total
        case HistorySeries.Marker.other: return history.other
        case HistorySeries.Marker.route where nextRoute < history.routes.count:
            nextRoute += 1
            return history.routes[nextRoute - 1].counts
        default:
            throw EncodingError.invalidValue(name, .init(codingPath: [], debugDescription: "unexpected history placeholder"))
        }
    }

    /// Writes `array` one element per line. Each line is formatted into a stack-sized scratch
    /// line and appended once (per-byte appends with a uniqueness check each were ~3 % of a run).
    private func write(_ array: [Int], indent: Int, into output: inout [UInt8]) throws {
        output.append(UInt8(ascii: "["))
        output.append(10)
        if array.isEmpty {
            output.append(10)
        } else {
            // indent + 2 spaces, up to 20 digits and a sign, a comma, a newline.
            var line = [UInt8](repeating: UInt8(ascii: " "), count: indent + 2 + 24)
            line.withUnsafeMutableBufferPointer { lineBuffer in
                let base = lineBuffer.baseAddress!
                let digitsStart = indent + 2
                for index in array.indices {
                    var end = Self.writeDecimal(array[index], at: base + digitsStart) + digitsStart
                    if index + 1 < array.count { base[end] = UInt8(ascii: ","); end += 1 }
                    base[end] = 10
                    output.append(contentsOf: UnsafeBufferPointer(start: base, count: end + 1))
                }
            }
        }
        output.append(contentsOf: repeatElement(UInt8(ascii: " "), count: indent))
        output.append(UInt8(ascii: "]"))
    }

    /// Writes `value` in decimal at `target` (room for 21 bytes); returns the bytes written.
    @inline(__always)
    static func writeDecimal(_ value: Int, at target: UnsafeMutablePointer<UInt8>) -> Int {
        if value == 0 { target[0] = UInt8(ascii: "0"); return 1 }
        var magnitude = value.magnitude
        var digits = 0
        var probe = magnitude
        while probe > 0 { probe /= 10; digits += 1 }
        var count = digits
        if value < 0 { target[0] = UInt8(ascii: "-"); count += 1 }
        var position = count
        while magnitude > 0 {
            position -= 1
            target[position] = UInt8(ascii: "0") + UInt8(magnitude % 10)
            magnitude /= 10
        }
        return count
    }

    private static func find(_ needle: [UInt8], in base: UnsafePointer<UInt8>, from: Int, count: Int) -> Int? {
        guard let first = needle.first else { return nil }
        var position = from
        while position + needle.count <= count {
            guard let hit = memchr(base + position, Int32(first), count - position) else { return nil }
            let index = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            guard index + needle.count <= count else { return nil }
            if memcmp(base + index, needle, needle.count) == 0 { return index }
            position = index + 1
        }
        return nil
    }
}
