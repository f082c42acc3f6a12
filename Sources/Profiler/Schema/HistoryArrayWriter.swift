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

    /// One placeholder found in the skeleton: its byte range (quotes included), the indentation
    /// of its line and the array it stands for.
    private struct Placeholder {
        var start: Int
        var end: Int
        var indent: Int
        var array: [Int]
    }

    /// The skeleton with every placeholder replaced by its array. The placeholders are found
    /// first, so the document's size is bounded up front and written straight into one `Data`
    /// (no per-line appends into a growing array, no final copy of the ~13 MB document).
    mutating func splice(_ skeleton: Data) throws -> Data {
        let needle = Array(("\"" + marker.prefix).utf8)
        var placeholders: [Placeholder] = []
        try skeleton.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let bytes = raw.bindMemory(to: UInt8.self)
            guard let base = bytes.baseAddress else { return }
            var position = 0
            while let hit = Self.find(needle, in: base, from: position, count: bytes.count) {
                // The placeholder's name runs to the closing quote.
                var close = hit + needle.count
                while close < bytes.count && base[close] != UInt8(ascii: "\"") { close += 1 }
                let name = String(decoding: UnsafeBufferPointer(start: base + hit + needle.count, count: close - hit - needle.count), as: UTF8.self)
                var lineStart = hit
                while lineStart > 0 && base[lineStart - 1] != 10 { lineStart -= 1 }
                var indent = 0
                while base[lineStart + indent] == UInt8(ascii: " ") { indent += 1 }
                placeholders.append(Placeholder(start: hit, end: close + 1, indent: indent, array: try array(named: name)))
                position = close + 1
            }
        }
        guard nextRoute == history.routes.count else {
            throw EncodingError.invalidValue(history, .init(codingPath: [], debugDescription: "history placeholders did not match the route series"))
        }
        if placeholders.isEmpty { return skeleton }
        var bound = skeleton.count
        for placeholder in placeholders { bound += Self.maximumSize(of: placeholder.array, indent: placeholder.indent) }
        var output = Data(count: bound)
        let written = output.withUnsafeMutableBytes { (raw: UnsafeMutableRawBufferPointer) -> Int in
            let target = raw.bindMemory(to: UInt8.self).baseAddress!
            return skeleton.withUnsafeBytes { (source: UnsafeRawBufferPointer) -> Int in
                let base = source.bindMemory(to: UInt8.self).baseAddress
                var from = 0
                var end = 0
                for placeholder in placeholders {
                    (target + end).update(from: base! + from, count: placeholder.start - from)
                    end += placeholder.start - from
                    end += Self.write(placeholder.array, indent: placeholder.indent, at: target + end)
                    from = placeholder.end
                }
                if from < skeleton.count {
                    (target + end).update(from: base! + from, count: skeleton.count - from)
                    end += skeleton.count - from
                }
                return end
            }
        }
        output.count = written
        return output
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

    /// The most bytes ``write(_:indent:at:)`` writes for `array`: `[`, two newlines, the closing
    /// indent and `]`, and per element a line of the indent, two spaces, up to 19 digits and a
    /// sign, a comma and a newline.
    static func maximumSize(of array: [Int], indent: Int) -> Int {
        4 + indent + array.count * (indent + 2 + 20 + 2)
    }

    /// Writes `array` one element per line at `target`, formatted as `JSONEncoder` does; returns
    /// the bytes written (at most ``maximumSize(of:indent:)``).
    static func write(_ array: [Int], indent: Int, at target: UnsafeMutablePointer<UInt8>) -> Int {
        var end = 0
        target[end] = UInt8(ascii: "[")
        target[end + 1] = 10
        end += 2
        if array.isEmpty {
            target[end] = 10
            end += 1
        } else {
            let last = array.count - 1
            array.withUnsafeBufferPointer { values in
                for index in values.indices {
                    (target + end).initialize(repeating: UInt8(ascii: " "), count: indent + 2)
                    end += indent + 2
                    end += Self.writeDecimal(values[index], at: target + end)
                    if index < last {
                        target[end] = UInt8(ascii: ",")
                        end += 1
                    }
                    target[end] = 10
                    end += 1
                }
            }
        }
        (target + end).initialize(repeating: UInt8(ascii: " "), count: indent)
        end += indent
        target[end] = UInt8(ascii: "]")
        return end + 1
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
