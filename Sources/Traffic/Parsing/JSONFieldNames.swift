/// Which keys of a JSON-lines log hold which field. Keys are top-level names; a key may also be
/// a dotted path one level deep (`request.path`). Defaults follow common structured loggers.
public struct JSONFieldNames: Sendable, Equatable {
    /// Time: ISO-8601 string, CLF string, or epoch seconds/milliseconds number.
    public var time: [String] = ["time", "timestamp", "ts", "@timestamp", "time_local", "date"]
    /// Method.
    public var method: [String] = ["method", "request_method", "verb"]
    /// Path, or full target with `?query` (split when present).
    public var path: [String] = ["path", "uri", "url", "request_uri", "request_path"]
    /// Query string without `?`.
    public var query: [String] = ["query", "query_string", "args"]
    /// Whole request line (`GET /p HTTP/1.1`), used when no method/path keys are present.
    public var request: [String] = ["request"]
    /// Status code.
    public var status: [String] = ["status", "status_code", "code", "response_code"]
    /// Response size in bytes.
    public var responseBytes: [String] = ["bytes", "body_bytes_sent", "response_bytes", "size", "bytes_sent", "response_size"]
    /// Request size in bytes.
    public var requestBytes: [String] = ["request_bytes", "request_length", "request_size"]
    /// Latency in seconds.
    public var latencySeconds: [String] = ["latency", "request_time", "duration", "elapsed"]
    /// Latency in milliseconds.
    public var latencyMilliseconds: [String] = ["latency_ms", "duration_ms", "request_time_ms", "elapsed_ms"]
    /// User agent.
    public var userAgent: [String] = ["user_agent", "agent", "http_user_agent", "ua", "userAgent"]
    /// Client address.
    public var client: [String] = ["remote_addr", "client", "client_ip", "ip", "remote_ip", "clientIp"]
    /// Referrer.
    public var referrer: [String] = ["referrer", "referer", "http_referer"]
    /// Country code.
    public var country: [String] = ["country", "geo_country", "country_code", "geoip_country_code"]
    /// Session id (only ever hashed, never stored).
    public var session: [String] = ["session_id", "session", "sid"]
    /// Response content type.
    public var contentType: [String] = ["content_type", "contentType", "mime"]

    /// The default names.
    public init() {}

    /// Overrides one field's key from a `field=key` pair (`time=ts`, `path=req.path`).
    /// Refuses to map any field to a secret header name.
    public mutating func set(_ assignment: String) throws(LogPattern.PatternError) {
        let parts = assignment.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2, !parts[1].isEmpty else { throw .init(message: "JSON field mapping '\(assignment)' is not field=key") }
        let key = parts[1]
        if Redactor.isSecretHeader(key) || Redactor.isSecretHeader(key.split(separator: ".").last.map(String.init) ?? key) {
            throw .init(message: "JSON field mapping '\(assignment)': '\(key)' holds a secret and is never read")
        }
        switch parts[0] {
        case "time": time = [key]
        case "method": method = [key]
        case "path": path = [key]
        case "query": query = [key]
        case "request": request = [key]
        case "status": status = [key]
        case "bytes", "responseBytes": responseBytes = [key]
        case "requestBytes": requestBytes = [key]
        case "latency": latencySeconds = [key]
        case "latency_ms": latencyMilliseconds = [key]
        case "agent", "userAgent": userAgent = [key]
        case "client": client = [key]
        case "referrer": referrer = [key]
        case "country": country = [key]
        case "session": session = [key]
        case "contentType": contentType = [key]
        default: throw .init(message: "unknown JSON field '\(parts[0])' in '\(assignment)'")
        }
    }
}
