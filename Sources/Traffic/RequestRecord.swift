/// One observed HTTP request, as read from an access log or seen live by the shadow proxy.
///
/// Every stage after ingestion works from these records. Secrets never reach this type:
/// parsers and the proxy redact before they build a record (see `Redactor`).
public struct RequestRecord: Sendable, Hashable, Codable {
    /// When the request arrived, in seconds since the Unix epoch (UTC).
    public var time: Double
    /// The HTTP method, upper case (`GET`, `POST`, …).
    public var method: String
    /// The path without its query string, percent-encoding kept as logged.
    public var path: String
    /// The raw query string without the leading `?`, already redacted; `nil` when absent.
    public var query: String?
    /// The response status code, when logged.
    public var status: Int?
    /// Request size in bytes (body, or the whole request when that is what was logged).
    public var requestBytes: Int?
    /// Response size in bytes.
    public var responseBytes: Int?
    /// Time the service took to answer, in seconds, when logged.
    public var latency: Double?
    /// The `User-Agent` header.
    public var userAgent: String?
    /// The client address, already hashed or dropped by redaction.
    public var client: String?
    /// ISO 3166 country code, when a field, header or prefix table gave one.
    public var country: String?
    /// A session identifier, when the log carries one.
    public var session: String?
    /// The `Referer` header.
    public var referrer: String?

    /// Creates a record; only time, method and path are required.
    public init(
        time: Double, method: String, path: String, query: String? = nil, status: Int? = nil,
        requestBytes: Int? = nil, responseBytes: Int? = nil, latency: Double? = nil,
        userAgent: String? = nil, client: String? = nil, country: String? = nil,
        session: String? = nil, referrer: String? = nil
    ) {
        self.time = time
        self.method = method
        self.path = path
        self.query = query
        self.status = status
        self.requestBytes = requestBytes
        self.responseBytes = responseBytes
        self.latency = latency
        self.userAgent = userAgent
        self.client = client
        self.country = country
        self.session = session
        self.referrer = referrer
    }
}
