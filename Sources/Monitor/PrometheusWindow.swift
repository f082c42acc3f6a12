/// Turns two scrapes of a live target's `/metrics` into a `RunResults` for the time between
/// them, so `compare` can take live targets: latency from a histogram's bucket increments
/// (each bucket counted at its upper bound), requests and errors from a counter by status.
/// Defaults fit the Lab's metrics.
public struct PrometheusWindow: Sendable, Hashable {
    /// Histogram family of request durations.
    public var histogram: String
    /// Whether the histogram is in seconds (else milliseconds).
    public var histogramInSeconds: Bool
    /// Counter of requests, with a status label.
    public var requestsCounter: String
    /// Label naming the route.
    public var routeLabel: String
    /// Label holding the HTTP status.
    public var statusLabel: String

    /// Creates a window reader.
    public init(histogram: String = "lab_request_duration_seconds", histogramInSeconds: Bool = true,
                requestsCounter: String = "lab_requests_total", routeLabel: String = "route", statusLabel: String = "status") {
        self.histogram = histogram
        self.histogramInSeconds = histogramInSeconds
        self.requestsCounter = requestsCounter
        self.routeLabel = routeLabel
        self.statusLabel = statusLabel
    }

    /// The summary of what happened between `before` and `after`, `seconds` apart.
    public func summary(before: PrometheusScrape, after: PrometheusScrape, seconds: Double) -> RunResults {
        let scale = histogramInSeconds ? 1_000_000.0 : 1000.0
        var bucketsByRoute: [String: [(UInt64, UInt64)]] = [:]
        let earlier = Dictionary(before.histogram(histogram).map { ($0.labels, $0) }, uniquingKeysWith: { a, _ in a })
        for series in after.histogram(histogram) {
            let route = series.labels[routeLabel] ?? "*"
            let old = earlier[series.labels]
            let finite = series.buckets.map(\.upperBound).filter(\.isFinite)
            var previous = 0.0
            for (index, bucket) in series.buckets.enumerated() {
                let oldCumulative = old.flatMap { $0.buckets.indices.contains(index) ? $0.buckets[index].cumulativeCount : nil } ?? 0
                let cumulative = max(0, bucket.cumulativeCount - oldCumulative)
                let count = max(0, cumulative - previous)
                previous = max(previous, cumulative)
                let bound = bucket.upperBound.isFinite ? bucket.upperBound : (finite.last ?? 1) * 2
                if count > 0 { bucketsByRoute[route, default: []].append((UInt64(bound * scale), UInt64(count))) }
            }
        }
        var requestsByRoute: [String: UInt64] = [:]
        var errorsByRoute: [String: [String: UInt64]] = [:]
        let oldCounts = Dictionary(before.samples(named: requestsCounter).map { ($0.labels, $0.value) }, uniquingKeysWith: +)
        for sample in after.samples(named: requestsCounter) {
            let delta = UInt64(max(0, sample.value - (oldCounts[sample.labels] ?? 0)))
            let route = sample.labels[routeLabel] ?? "*"
            requestsByRoute[route, default: 0] += delta
            if let status = sample.labels[statusLabel].flatMap({ Int($0) }), status >= 500, delta > 0 {
                errorsByRoute[route, default: [:]]["http_\(status / 100)xx", default: 0] += delta
            }
        }
        var routes: [String: RunResults] = [:]
        var all: [(UInt64, UInt64)] = []
        var allErrors: [String: UInt64] = [:]
        for route in Set(bucketsByRoute.keys).union(requestsByRoute.keys) {
            let buckets = LatencyBuckets(pairs: (bucketsByRoute[route] ?? []).map { (value: $0.0, count: $0.1) })
            let requests = requestsByRoute[route] ?? buckets.totalCount
            routes[route] = RunResults(requests: requests, durationSeconds: seconds, errors: errorsByRoute[route] ?? [:], buckets: buckets)
            all += bucketsByRoute[route] ?? []
            for (kind, count) in errorsByRoute[route] ?? [:] { allErrors[kind, default: 0] += count }
        }
        let total = routes.values.reduce(0) { $0 + $1.requests }
        return RunResults(requests: total, durationSeconds: seconds, errors: allErrors,
                          buckets: LatencyBuckets(pairs: all.map { (value: $0.0, count: $0.1) }), routes: routes)
    }
}
