/// Results for one route of the secondary, compared with the primary.
public struct RouteRow: Codable, Sendable, Equatable {
    /// Method and path template, e.g. `GET /products/{id}`.
    public var route: String
    /// Requests completed.
    public var requests: Int
    /// Mean requests per second over the run.
    public var rps: Double
    /// Latency percentiles in milliseconds.
    public var p50Ms: Double
    /// 90th percentile latency in milliseconds.
    public var p90Ms: Double
    /// 99th percentile latency in milliseconds.
    public var p99Ms: Double
    /// 99.9th percentile latency in milliseconds.
    public var p999Ms: Double
    /// Responses that were errors (5xx, timeouts, connection failures).
    public var errors: Int
    /// Share of all requests that went to this route (fraction).
    public var share: Double
    /// Secondary p99 divided by primary p99 for this route (> 1: the secondary is slower).
    public var latencyRatio: Double?
    /// p-value of the test comparing the two latency distributions, if one was run.
    public var pValue: Double?
    /// Whether the difference is statistically significant at the run's level.
    public var significant: Bool?

    /// Creates a route row.
    public init(
        route: String, requests: Int, rps: Double, p50Ms: Double, p90Ms: Double, p99Ms: Double,
        p999Ms: Double, errors: Int, share: Double, latencyRatio: Double? = nil,
        pValue: Double? = nil, significant: Bool? = nil
    ) {
        self.route = route
        self.requests = requests
        self.rps = rps
        self.p50Ms = p50Ms
        self.p90Ms = p90Ms
        self.p99Ms = p99Ms
        self.p999Ms = p999Ms
        self.errors = errors
        self.share = share
        self.latencyRatio = latencyRatio
        self.pValue = pValue
        self.significant = significant
    }

    /// Errors as a fraction of requests (0 when there were none).
    public var errorRate: Double { requests > 0 ? Double(errors) / Double(requests) : 0 }
}
