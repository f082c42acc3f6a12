/// Parses Common Log Format, Combined Log Format and nginx's default `combined` format:
///
/// `host ident user [dd/Mon/yyyy:HH:MM:SS +zzzz] "METHOD target PROTO" status bytes "referer" "agent"`
///
/// Scans the line's bytes once (memchr for delimiters); fills spans, never allocates.
/// Extra trailing fields (nginx's `"$http_x_forwarded_for"`, Apache's `%D`) are ignored.
public struct CombinedLogParser: LogLineParser {
    /// Whether referrer and user agent are required (Combined) or optional (Common).
    public var requireAgent: Bool
    private var timestamps = LogTimestampParser()

    /// Creates a parser; `requireAgent` false accepts Common Log Format lines.
    public init(requireAgent: Bool) {
        self.requireAgent = requireAgent
    }

    public mutating func parse(_ line: UnsafeBufferPointer<UInt8>, into fields: inout LogFields) -> LineParseError? {
        guard let base = line.baseAddress, line.count > 0 else { return LineParseError("empty line", column: 0) }
        let end = line.count
        fields.reset()
        // host
        let hostEnd = ByteScan.findNear(UInt8(ascii: " "), base, from: 0, end: end)
        guard hostEnd < end, hostEnd > 0 else { return LineParseError("missing client address", column: 0) }
        fields.client = ByteSpan(start: base, count: hostEnd)
        // ident, user: up to " ["
        let bracket = ByteScan.findNear(UInt8(ascii: "["), base, from: hostEnd + 1, end: end)
        guard bracket < end, base[bracket - 1] == UInt8(ascii: " ") else { return LineParseError("missing [timestamp]", column: hostEnd + 1) }
        // `[dd/Mon/yyyy:HH:MM:SS +zzzz]` usually closes 27 bytes on: when a 26-byte timestamp
        // parses there (it validates all 26 bytes, so none is a `]`), that is the first `]`.
        let close: Int
        if bracket + 27 < end, base[bracket + 27] == UInt8(ascii: "]"), let time = timestamps.parseCommonLog(base + bracket + 1, count: 26) {
            close = bracket + 27
            fields.time = time
        } else {
            close = ByteScan.find(UInt8(ascii: "]"), base, from: bracket + 1, end: end)
            guard close < end else { return LineParseError("unterminated [timestamp]", column: bracket) }
            guard let time = timestamps.parseCommonLog(base + bracket + 1, count: close - bracket - 1) else {
                return LineParseError("bad timestamp", column: bracket + 1)
            }
            fields.time = time
        }
        // "request"
        var position = close + 1
        guard position + 1 < end, base[position] == UInt8(ascii: " "), base[position + 1] == UInt8(ascii: "\"") else {
            return LineParseError("missing quoted request line", column: position)
        }
        let requestStart = position + 2
        guard let requestEnd = ByteScan.closingQuote(base, from: requestStart, end: end) else {
            return LineParseError("unterminated quoted request line", column: requestStart)
        }
        guard ByteScan.splitRequest(base, from: requestStart, to: requestEnd, into: &fields) else {
            return LineParseError.badRequestLine(base, from: requestStart, to: requestEnd, column: requestStart)
        }
        // status
        position = requestEnd + 1
        guard position < end, base[position] == UInt8(ascii: " ") else { return LineParseError("missing status", column: position) }
        let statusStart = position + 1
        let statusEnd = ByteScan.findNear(UInt8(ascii: " "), base, from: statusStart, end: end)
        if let status = ByteScan.unsigned(base, from: statusStart, to: statusEnd), status >= 100, status <= 999 {
            fields.status = status
        } else if !(statusEnd - statusStart == 1 && base[statusStart] == UInt8(ascii: "-")) {
            return LineParseError("bad status", column: statusStart)
        }
        guard statusEnd < end else { return LineParseError("missing response size", column: statusEnd) }
        // bytes
        let bytesStart = statusEnd + 1
        let bytesEnd = ByteScan.findNear(UInt8(ascii: " "), base, from: bytesStart, end: end)
        if let bytes = ByteScan.unsigned(base, from: bytesStart, to: bytesEnd) {
            fields.responseBytes = bytes
        } else if bytesEnd - bytesStart == 1 && base[bytesStart] == UInt8(ascii: "-") {
            fields.responseBytes = 0
        } else {
            return LineParseError("bad response size", column: bytesStart)
        }
        // "referer" "agent"
        guard bytesEnd + 1 < end else {
            return requireAgent ? LineParseError("missing referrer and user agent", column: bytesEnd) : nil
        }
        guard base[bytesEnd + 1] == UInt8(ascii: "\"") else {
            return requireAgent ? LineParseError("missing quoted referrer", column: bytesEnd + 1) : nil
        }
        let referrerStart = bytesEnd + 2
        guard let referrerEnd = ByteScan.closingQuote(base, from: referrerStart, end: end) else {
            return LineParseError("unterminated quoted referrer", column: referrerStart)
        }
        fields.referrer = ByteSpan(start: base + referrerStart, count: referrerEnd - referrerStart)
        guard referrerEnd + 2 < end, base[referrerEnd + 1] == UInt8(ascii: " "), base[referrerEnd + 2] == UInt8(ascii: "\"") else {
            return requireAgent ? LineParseError("missing quoted user agent", column: referrerEnd + 1) : nil
        }
        let agentStart = referrerEnd + 3
        guard let agentEnd = ByteScan.closingQuote(base, from: agentStart, end: end) else {
            return LineParseError("unterminated quoted user agent", column: agentStart)
        }
        fields.userAgent = ByteSpan(start: base + agentStart, count: agentEnd - agentStart)
        return nil
    }
}
