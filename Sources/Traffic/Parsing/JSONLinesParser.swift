/// Parses one JSON object per line, reading only the configured keys (``JSONFieldNames``).
///
/// A small byte scanner (not a general JSON parser): top-level string/number/bool/null values
/// are read, nested objects are searched one level deep for dotted keys, everything else is
/// skipped. Escaped strings are unescaped into a scratch buffer owned by the parser. Keys that
/// are not configured — `authorization`, `cookie`, headers — are never copied anywhere.
public struct JSONLinesParser: LogLineParser {
    private enum Target: UInt8 {
        case time, method, path, query, request, status, responseBytes, requestBytes, latencySeconds
        case latencyMilliseconds, userAgent, client, referrer, country, session, contentType
    }

    private let keyTable: [([UInt8], Target)]
    private let nestedPrefixes: [[UInt8]]
    private var scratch: ScratchBuffer
    private var timestamps = LogTimestampParser()

    /// Creates a parser with the given key names.
    public init(names: JSONFieldNames = JSONFieldNames()) {
        var table: [([UInt8], Target)] = []
        func add(_ keys: [String], _ target: Target) { for key in keys { table.append((Array(key.utf8), target)) } }
        add(names.time, .time); add(names.method, .method); add(names.path, .path); add(names.query, .query)
        add(names.request, .request); add(names.status, .status); add(names.responseBytes, .responseBytes)
        add(names.requestBytes, .requestBytes); add(names.latencySeconds, .latencySeconds)
        add(names.latencyMilliseconds, .latencyMilliseconds); add(names.userAgent, .userAgent); add(names.client, .client)
        add(names.referrer, .referrer); add(names.country, .country); add(names.session, .session); add(names.contentType, .contentType)
        keyTable = table
        var prefixes: [[UInt8]] = []
        for (key, _) in table {
            if let dot = key.firstIndex(of: UInt8(ascii: ".")) { prefixes.append(Array(key[..<dot])) }
        }
        nestedPrefixes = prefixes
        scratch = ScratchBuffer()
    }

    private struct Cursor {
        let base: UnsafePointer<UInt8>
        let end: Int
        var position: Int

        mutating func skipSpace() {
            while position < end, base[position] == 32 || base[position] == 9 || base[position] == 13 { position += 1 }
        }
    }

    public mutating func parse(_ line: UnsafeBufferPointer<UInt8>, into fields: inout LogFields) -> LineParseError? {
        guard let base = line.baseAddress, line.count > 0 else { return LineParseError("empty line", column: 0) }
        fields.reset()
        scratch.reserve(line.count)
        var cursor = Cursor(base: base, end: line.count, position: 0)
        var haveTime = false
        var requestLine = ByteSpan.empty
        if let error = parseObject(&cursor, prefix: nil, fields: &fields, haveTime: &haveTime, requestLine: &requestLine) { return error }
        cursor.skipSpace()
        guard cursor.position == cursor.end else { return LineParseError("trailing text after JSON object", column: cursor.position) }
        if fields.path.isEmpty, let start = requestLine.start {
            guard ByteScan.splitRequest(start, from: 0, to: requestLine.count, into: &fields) else {
                return LineParseError.badRequestLine(start, from: 0, to: requestLine.count, column: 0)
            }
        } else if !fields.path.isEmpty, fields.query.isEmpty, let start = fields.path.start {
            // A full target in the path field: split its query.
            let question = ByteScan.find(UInt8(ascii: "?"), start, from: 0, end: fields.path.count)
            if question < fields.path.count {
                fields.query = ByteSpan(start: start + question + 1, count: fields.path.count - question - 1)
                fields.path.count = question
            }
            if fields.path.count > 0, start[0] != UInt8(ascii: "/") {
                // Absolute URL: keep its path only.
                let text = ByteSpan(start: start, count: fields.path.count)
                let colon = ByteScan.find(UInt8(ascii: ":"), start, from: 0, end: text.count)
                if colon + 2 < text.count, start[colon + 1] == UInt8(ascii: "/"), start[colon + 2] == UInt8(ascii: "/") {
                    let slash = ByteScan.find(UInt8(ascii: "/"), start, from: colon + 3, end: text.count)
                    fields.path = slash < text.count ? ByteSpan(start: start + slash, count: text.count - slash) : ByteSpan(start: ByteScan.slashByte, count: 1)
                }
            }
        }
        guard haveTime else { return LineParseError("no time field", column: 0) }
        guard !fields.path.isEmpty else { return LineParseError("no path field", column: 0) }
        if fields.method.isEmpty { fields.method = ByteSpan(start: ("GET" as StaticString).utf8Start, count: 3) }
        return nil
    }

    private mutating func parseObject(
        _ cursor: inout Cursor, prefix: [UInt8]?, fields: inout LogFields, haveTime: inout Bool, requestLine: inout ByteSpan
    ) -> LineParseError? {
        cursor.skipSpace()
        guard cursor.position < cursor.end, cursor.base[cursor.position] == UInt8(ascii: "{") else {
            return LineParseError("not a JSON object", column: cursor.position)
        }
        cursor.position += 1
        cursor.skipSpace()
        if cursor.position < cursor.end, cursor.base[cursor.position] == UInt8(ascii: "}") { cursor.position += 1; return nil }
        while true {
            cursor.skipSpace()
            guard cursor.position < cursor.end, cursor.base[cursor.position] == UInt8(ascii: "\"") else {
                return LineParseError("expected a key", column: cursor.position)
            }
            let keyColumn = cursor.position
            guard let key = readString(&cursor, unescape: false) else { return LineParseError("unterminated key", column: keyColumn) }
            cursor.skipSpace()
            guard cursor.position < cursor.end, cursor.base[cursor.position] == UInt8(ascii: ":") else {
                return LineParseError("expected ':'", column: cursor.position)
            }
            cursor.position += 1
            cursor.skipSpace()
            guard cursor.position < cursor.end else { return LineParseError("missing value", column: cursor.position) }
            let target = lookup(key, prefix: prefix)
            let valueColumn = cursor.position
            let first = cursor.base[cursor.position]
            if first == UInt8(ascii: "{") {
                if prefix == nil, nestedPrefixes.contains(where: { equal(key, $0) }) {
                    let keyBytes = Array(key.buffer)
                    if let error = parseObject(&cursor, prefix: keyBytes, fields: &fields, haveTime: &haveTime, requestLine: &requestLine) { return error }
                } else if !skipComposite(&cursor) {
                    return LineParseError("unterminated nested value", column: valueColumn)
                }
            } else if first == UInt8(ascii: "[") {
                guard skipComposite(&cursor) else { return LineParseError("unterminated array", column: valueColumn) }
            } else if first == UInt8(ascii: "\"") {
                guard let value = readString(&cursor, unescape: target != nil) else {
                    return LineParseError("unterminated string", column: valueColumn)
                }
                if let target, let error = assign(target, string: value, column: valueColumn, fields: &fields, haveTime: &haveTime, requestLine: &requestLine) {
                    return error
                }
            } else {
                let start = cursor.position
                while cursor.position < cursor.end {
                    let c = cursor.base[cursor.position]
                    if c == UInt8(ascii: ",") || c == UInt8(ascii: "}") || c == 32 || c == 9 { break }
                    cursor.position += 1
                }
                if let target, let error = assign(target, literal: ByteSpan(start: cursor.base + start, count: cursor.position - start), column: start, fields: &fields, haveTime: &haveTime) {
                    return error
                }
            }
            cursor.skipSpace()
            guard cursor.position < cursor.end else { return LineParseError("unterminated JSON object", column: cursor.position) }
            let next = cursor.base[cursor.position]
            cursor.position += 1
            if next == UInt8(ascii: "}") { return nil }
            guard next == UInt8(ascii: ",") else { return LineParseError("expected ',' or '}'", column: cursor.position - 1) }
        }
    }

    private func equal(_ span: ByteSpan, _ bytes: [UInt8]) -> Bool {
        span.count == bytes.count && bytes.withUnsafeBufferPointer { span.count == 0 || memcmp(span.start!, $0.baseAddress!, span.count) == 0 }
    }

    private func lookup(_ key: ByteSpan, prefix: [UInt8]?) -> Target? {
        for (name, target) in keyTable {
            if let prefix {
                guard name.count == prefix.count + 1 + key.count, name.starts(with: prefix), name[prefix.count] == UInt8(ascii: ".") else { continue }
                if equal(key, Array(name[(prefix.count + 1)...])) { return target }
            } else if equal(key, name) {
                return target
            }
        }
        return nil
    }

    /// Reads a string at the cursor (on its opening quote); unescapes into scratch when asked.
    private mutating func readString(_ cursor: inout Cursor, unescape: Bool) -> ByteSpan? {
        let start = cursor.position + 1
        guard let close = ByteScan.closingQuote(cursor.base, from: start, end: cursor.end) else { return nil }
        cursor.position = close + 1
        let raw = ByteSpan(start: cursor.base + start, count: close - start)
        guard unescape, ByteScan.find(UInt8(ascii: "\\"), cursor.base, from: start, end: close) < close else { return raw }
        return scratch.unescape(raw)
    }

    private func skipComposite(_ cursor: inout Cursor) -> Bool {
        var depth = 0
        while cursor.position < cursor.end {
            let c = cursor.base[cursor.position]
            if c == UInt8(ascii: "\"") {
                guard let close = ByteScan.closingQuote(cursor.base, from: cursor.position + 1, end: cursor.end) else { return false }
                cursor.position = close + 1
                continue
            }
            if c == UInt8(ascii: "{") || c == UInt8(ascii: "[") { depth += 1 }
            if c == UInt8(ascii: "}") || c == UInt8(ascii: "]") {
                depth -= 1
                if depth == 0 { cursor.position += 1; return true }
            }
            cursor.position += 1
        }
        return false
    }

    private mutating func assign(
        _ target: Target, string value: ByteSpan, column: Int, fields: inout LogFields, haveTime: inout Bool, requestLine: inout ByteSpan
    ) -> LineParseError? {
        switch target {
        case .time:
            guard let start = value.start else { return LineParseError("empty time", column: column) }
            if let t = timestamps.parseISO8601(start, count: value.count) ?? timestamps.parseCommonLog(start, count: value.count)
                ?? ByteScan.decimal(start, from: 0, to: value.count).map(Self.epochSeconds) {
                fields.time = t
                haveTime = true
            } else {
                return LineParseError("bad time", column: column)
            }
        case .method: fields.method = value
        case .path: fields.path = value
        case .query: fields.query = value
        case .request: requestLine = value
        case .userAgent: fields.userAgent = value
        case .client: fields.client = value
        case .referrer: fields.referrer = value
        case .country: fields.country = value
        case .session: fields.session = value
        case .contentType: fields.contentType = value
        case .status, .responseBytes, .requestBytes, .latencySeconds, .latencyMilliseconds:
            return assign(target, literal: value, column: column, fields: &fields, haveTime: &haveTime)
        }
        return nil
    }

    private mutating func assign(_ target: Target, literal: ByteSpan, column: Int, fields: inout LogFields, haveTime: inout Bool) -> LineParseError? {
        if literal.equals("null") || literal.isDash { return nil }
        guard let start = literal.start else { return nil }
        let number = ByteScan.decimal(start, from: 0, to: literal.count)
        switch target {
        case .time:
            guard let number else { return LineParseError("bad time", column: column) }
            fields.time = Self.epochSeconds(number)
            haveTime = true
        case .status:
            guard let number, number >= 100, number <= 999 else { return LineParseError("bad status", column: column) }
            fields.status = Int(number)
        case .responseBytes:
            guard let number else { return LineParseError("bad response size", column: column) }
            fields.responseBytes = Int(number)
        case .requestBytes:
            guard let number else { return LineParseError("bad request size", column: column) }
            fields.requestBytes = Int(number)
        case .latencySeconds:
            guard let number else { return LineParseError("bad latency", column: column) }
            fields.latency = number
        case .latencyMilliseconds:
            guard let number else { return LineParseError("bad latency", column: column) }
            fields.latency = number / 1000
        default:
            break
        }
        return nil
    }

    /// Epoch numbers above 1e11 are milliseconds, above 1e14 microseconds, above 1e17 nanoseconds.
    static func epochSeconds(_ value: Double) -> Double {
        value > 1e17 ? value / 1e9 : value > 1e14 ? value / 1e6 : value > 1e11 ? value / 1000 : value
    }
}

/// Scratch bytes for unescaped JSON strings; reserved per line so spans stay valid for the line.
final class ScratchBuffer {
    private var storage: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private var used = 0

    init() {
        capacity = 4096
        storage = .allocate(capacity: capacity)
    }

    deinit { storage.deallocate() }

    /// Makes room for a line of `lineLength` bytes (unescaping never grows a string) and resets.
    func reserve(_ lineLength: Int) {
        used = 0
        if lineLength > capacity {
            storage.deallocate()
            capacity = lineLength * 2
            storage = .allocate(capacity: capacity)
        }
    }

    /// Unescapes a JSON string body (`\"`, `\\`, `\/`, `\n`, `\uXXXX` incl. surrogate pairs).
    func unescape(_ raw: ByteSpan) -> ByteSpan {
        let out = storage + used
        var written = 0
        var index = 0
        let input = raw.start!
        func put(_ byte: UInt8) { out[written] = byte; written += 1 }
        func hex4(_ at: Int) -> UInt32? {
            guard at + 4 <= raw.count else { return nil }
            var value: UInt32 = 0
            for i in at..<(at + 4) {
                let c = input[i]
                let digit: UInt32
                switch c {
                case 48...57: digit = UInt32(c - 48)
                case 65...70: digit = UInt32(c - 55)
                case 97...102: digit = UInt32(c - 87)
                default: return nil
                }
                value = value << 4 | digit
            }
            return value
        }
        while index < raw.count {
            let c = input[index]
            guard c == UInt8(ascii: "\\"), index + 1 < raw.count else { put(c); index += 1; continue }
            let e = input[index + 1]
            index += 2
            switch e {
            case UInt8(ascii: "n"): put(10)
            case UInt8(ascii: "t"): put(9)
            case UInt8(ascii: "r"): put(13)
            case UInt8(ascii: "b"): put(8)
            case UInt8(ascii: "f"): put(12)
            case UInt8(ascii: "u"):
                guard var scalar = hex4(index) else { put(UInt8(ascii: "?")); continue }
                index += 4
                if scalar >= 0xD800 && scalar < 0xDC00, index + 6 <= raw.count, input[index] == UInt8(ascii: "\\"),
                   input[index + 1] == UInt8(ascii: "u"), let low = hex4(index + 2), low >= 0xDC00, low < 0xE000 {
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    index += 6
                }
                // \uXXXX is 6 bytes of input and at most 4 of output; a pair is 12 → 4.
                for byte in (Unicode.Scalar(scalar) ?? "?").utf8 { put(byte) }
            default: put(e)
            }
        }
        used += written
        return ByteSpan(start: UnsafePointer(out), count: written)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
