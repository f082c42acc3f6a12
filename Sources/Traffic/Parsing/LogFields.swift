/// The fields of one parsed log line, as spans into the line buffer (no copies).
///
/// Absent fields are empty spans or negative numbers. Parsers never look at secret headers:
/// there is no field for `Authorization` or `Cookie`, and query values are redacted when a
/// record is built (``toRecord(redactor:)``) or skipped by the profiler for credential keys.
public struct LogFields {
    /// Seconds since the Unix epoch (UTC).
    public var time: Double = 0
    /// Method as logged (`GET`).
    public var method = ByteSpan.empty
    /// Path without the query.
    public var path = ByteSpan.empty
    /// Query without the `?` (raw, unredacted: never store it as is).
    public var query = ByteSpan.empty
    /// Client address as logged (raw: hash or drop it before storing).
    public var client = ByteSpan.empty
    /// Referrer (`-` when absent).
    public var referrer = ByteSpan.empty
    /// User agent (`-` when absent).
    public var userAgent = ByteSpan.empty
    /// Country code, when a field gave one.
    public var country = ByteSpan.empty
    /// Session identifier, when a field gave one (raw: only ever hashed).
    public var session = ByteSpan.empty
    /// Response content type, when logged.
    public var contentType = ByteSpan.empty
    /// Status code, -1 when absent.
    public var status = -1
    /// Response bytes, -1 when absent.
    public var responseBytes = -1
    /// Request bytes, -1 when absent.
    public var requestBytes = -1
    /// Service time in seconds, -1 when absent.
    public var latency: Double = -1

    /// Creates empty fields.
    public init() {}

    /// Clears every field.
    @inlinable public mutating func reset() { self = LogFields() }
}
