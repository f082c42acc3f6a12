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

    private func write(_ array: [Int], indent: Int, into output: inout [UInt8]) throws {
        output.append(UInt8(ascii: "["))
        output.append(10)
        if array.isEmpty {
            output.append(10)
        } else {
            var digits = [UInt8](repeating: 0, count: 24)
            for (index, value) in array.enumerated() {
                output.append(contentsOf: repeatElement(UInt8(ascii: " "), count: indent + 2))
                Self.appendDecimal(value, into: &output, scratch: &digits)
                if index + 1 < array.count { output.append(UInt8(ascii: ",")) }
                output.append(10)
            }
        }
        output.append(contentsOf: repeatElement(UInt8(ascii: " "), count: indent))
        output.append(UInt8(ascii: "]"))
    }

    @inline(__always)
    static func appendDecimal(_ value: Int, into output: inout [UInt8], scratch: inout [UInt8]) {
        if value == 0 { output.append(UInt8(ascii: "0")); return }
        var magnitude = value.magnitude
        var count = 0
        while magnitude > 0 {
            scratch[count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
            magnitude /= 10
            count += 1
        }
        if value < 0 { output.append(UInt8(ascii: "-")) }
        while count > 0 { count -= 1; output.append(scratch[count]) }
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
