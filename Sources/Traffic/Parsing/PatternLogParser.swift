/// Parses lines with a compiled ``LogPattern`` (nginx `log_format` style).
public struct PatternLogParser: LogLineParser {
    private enum Step {
        case literal([UInt8])
        case variable(LogPattern.Field, name: String, quoted: Bool, nextLiteral: [UInt8]?)
    }

    private let steps: [Step]
    private var timestamps = LogTimestampParser()

    /// Creates a parser for `pattern`.
    public init(pattern: LogPattern) {
        var steps: [Step] = []
        for (index, token) in pattern.tokens.enumerated() {
            switch token {
            case .literal(let bytes):
                steps.append(.literal(bytes))
            case .variable(let name, let field):
                var quoted = false
                if index > 0, case .literal(let before) = pattern.tokens[index - 1], before.last == UInt8(ascii: "\"") { quoted = true }
                var next: [UInt8]?
                if index + 1 < pattern.tokens.count, case .literal(let after) = pattern.tokens[index + 1] { next = after }
                steps.append(.variable(field, name: name, quoted: quoted, nextLiteral: next))
            }
        }
        self.steps = steps
    }

    public mutating func parse(_ line: UnsafeBufferPointer<UInt8>, into fields: inout LogFields) -> LineParseError? {
        guard let base = line.baseAddress, line.count > 0 else { return LineParseError("empty line", column: 0) }
        let end = line.count
        fields.reset()
        var position = 0
        var haveTime = false
        for step in steps {
            switch step {
            case .literal(let literal):
                guard end - position >= literal.count, literal.withUnsafeBufferPointer({ memcmp(base + position, $0.baseAddress!, literal.count) == 0 }) else {
                    return LineParseError("text does not match the pattern", column: position)
                }
                position += literal.count
            case let .variable(field, name, quoted, next):
                var valueEnd = end
                if let next {
                    if quoted && next.first == UInt8(ascii: "\"") {
                        guard let quote = ByteScan.closingQuote(base, from: position, end: end) else {
                            return LineParseError("unterminated quoted $\(name)", column: position)
                        }
                        valueEnd = quote
                    } else {
                        valueEnd = ByteScan.find(next[0], base, from: position, end: end)
                        guard valueEnd < end else { return LineParseError("missing text after $\(name)", column: position) }
                    }
                }
                if let error = store(field, name: name, base: base, from: position, to: valueEnd, into: &fields, haveTime: &haveTime) {
                    return error
                }
                position = valueEnd
            }
        }
        guard haveTime else { return LineParseError("no time", column: 0) }
        guard !fields.path.isEmpty else { return LineParseError("no request path", column: 0) }
        if fields.method.isEmpty { fields.method = ByteSpan(start: ("GET" as StaticString).utf8Start, count: 3) }
        return nil
    }

    private mutating func store(
        _ field: LogPattern.Field, name: String, base: UnsafePointer<UInt8>, from: Int, to: Int,
        into fields: inout LogFields, haveTime: inout Bool
    ) -> LineParseError? {
        let span = ByteSpan(start: base + from, count: to - from)
        let isDash = span.isDash
        switch field {
        case .client: fields.client = span
        case .timeLocal:
            guard let t = timestamps.parseCommonLog(base + from, count: to - from) else { return LineParseError("bad $\(name)", column: from) }
            fields.time = t; haveTime = true
        case .timeISO8601:
            guard let t = timestamps.parseISO8601(base + from, count: to - from) else { return LineParseError("bad $\(name)", column: from) }
            fields.time = t; haveTime = true
        case .epochSeconds:
            guard let t = ByteScan.decimal(base, from: from, to: to) else { return LineParseError("bad $\(name)", column: from) }
            fields.time = t; haveTime = true
        case .request:
            guard ByteScan.splitRequest(base, from: from, to: to, into: &fields) else {
                return LineParseError.badRequestLine(base, from: from, to: to, column: from)
            }
        case .method: fields.method = span
        case .uri:
            let question = ByteScan.find(UInt8(ascii: "?"), base, from: from, end: to)
            fields.path = ByteSpan(start: base + from, count: question - from)
            fields.query = question < to ? ByteSpan(start: base + question + 1, count: to - question - 1) : .empty
        case .path: fields.path = span
        case .query: fields.query = isDash ? .empty : span
        case .status:
            if let s = ByteScan.unsigned(base, from: from, to: to), s >= 100, s <= 999 { fields.status = s }
            else if !isDash { return LineParseError("bad $\(name)", column: from) }
        case .responseBytes:
            if let b = ByteScan.unsigned(base, from: from, to: to) { fields.responseBytes = b }
            else if isDash { fields.responseBytes = 0 } else { return LineParseError("bad $\(name)", column: from) }
        case .requestBytes:
            if let b = ByteScan.unsigned(base, from: from, to: to) { fields.requestBytes = b }
            else if !isDash { return LineParseError("bad $\(name)", column: from) }
        case .latencySeconds, .latencyMilliseconds:
            if let v = ByteScan.decimal(base, from: from, to: to) { fields.latency = field == .latencyMilliseconds ? v / 1000 : v }
            else if !isDash { return LineParseError("bad $\(name)", column: from) }
        case .referrer: fields.referrer = span
        case .userAgent: fields.userAgent = span
        case .country: if !isDash { fields.country = span }
        case .session: if !isDash { fields.session = span }
        case .contentType: if !isDash { fields.contentType = span }
        case .ignored, .secret: break
        }
        return nil
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
