import Histogram
import Traffic

/// One request as Monitor sees it, whatever produced it (an emission result, a log record, the
/// shadow proxy): when, which route, how long, and how it ended.
public struct RequestObservation: Sendable, Hashable {
    /// Seconds since the Unix epoch (or any fixed origin).
    public var time: Double
    /// The route name (a URI template such as `/products/{id}`).
    public var route: String
    /// Latency in microseconds, when known.
    public var latencyMicros: UInt64?
    /// HTTP status, when a response came back.
    public var status: Int?
    /// A transport error kind (`timeout`, `connect`, …) when no response came back.
    public var error: String?

    /// Creates an observation.
    public init(time: Double, route: String, latencyMicros: UInt64? = nil, status: Int? = nil, error: String? = nil) {
        self.time = time
        self.route = route
        self.latencyMicros = latencyMicros
        self.status = status
        self.error = error
    }

    /// An observation from a log record; `route` names it (templated path, usually).
    public init(record: RequestRecord, route: String) {
        self.init(
            time: record.time, route: route,
            latencyMicros: record.latency.map { UInt64(max(0, $0) * 1_000_000) }, status: record.status)
    }

    /// The error kind this observation counts as, or `nil` when it succeeded: transport errors by
    /// their kind, 5xx as `http_5xx` (4xx are the client's doing, not errors of the service).
    public var errorKind: String? {
        if let error { return error }
        if let status, status >= 500 { return "http_\(status / 100)xx" }
        return nil
    }
}

/// What one route (or all routes) did in one second: the per-second sample Monitor works on.
public struct RouteSecond: Sendable {
    /// Requests finished (successfully or not) in the second.
    public var requests: UInt64 = 0
    /// Errors by kind.
    public var errors: [String: UInt64] = [:]
    /// Latencies in microseconds (successful and failed requests with a latency), up to
    /// `RouteSecond.highestLatencyMicros` (longer ones are counted at that value).
    public var latency: Histogram<UInt64>

    /// The longest latency a histogram tells apart: 10 minutes.
    public static let highestLatencyMicros: UInt64 = 600_000_000

    /// An empty latency histogram (fixed range: auto-resizing ones are slow to grow); two
    /// significant digits take an eighth of the memory of three.
    public static func makeHistogram(digits: SignificantDigits = .three) -> Histogram<UInt64> {
        Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: highestLatencyMicros, numberOfSignificantValueDigits: digits)
    }

    /// Creates an empty sample.
    public init() {
        latency = Self.makeHistogram()
    }

    /// Creates an empty sample that records latencies into `latency` (e.g. a coarser or reused
    /// histogram; it is used as given, not cleared).
    public init(latency: Histogram<UInt64>) {
        self.latency = latency
    }

    /// All errors.
    public var errorCount: UInt64 { errors.values.reduce(0, +) }

    /// Errors over requests.
    public var errorRate: Double { requests > 0 ? Double(errorCount) / Double(requests) : 0 }

    /// Counts one observation: a request, its error kind if any, its latency if any.
    public mutating func add(_ observation: RequestObservation) {
        requests += 1
        if let kind = observation.errorKind { errors[kind, default: 0] += 1 }
        if let micros = observation.latencyMicros { _ = latency.record(min(micros, Self.highestLatencyMicros)) }
    }

    mutating func merge(_ other: RouteSecond) {
        requests += other.requests
        for (kind, count) in other.errors { errors[kind, default: 0] += count }
        latency.add(other.latency)
    }
}

/// A point of a per-second series.
public struct SeriesPoint: Sendable, Hashable {
    /// The second (whole seconds of the observations' clock).
    public var second: Int
    /// Requests in the second (req/s).
    public var rate: Double
    /// Median latency, milliseconds.
    public var p50: Double
    /// 99th percentile latency, milliseconds.
    public var p99: Double
    /// Errors over requests.
    public var errorRate: Double
}

/// Per-second series per route and overall, built from observations.
public struct TrafficSeries: Sendable {
    /// Samples by second, then by route.
    public private(set) var seconds: [Int: [String: RouteSecond]] = [:]
    /// Observations added.
    public private(set) var observations = 0

    /// Creates an empty series.
    public init() {}

    /// Adds one observation.
    public mutating func add(_ observation: RequestObservation) {
        guard observation.time.isFinite else { return }
        let second = Int(observation.time.rounded(.down))
        // Take the sample out and put it back so its histogram is never copied on write.
        var routes = seconds.removeValue(forKey: second) ?? [:]
        var sample = routes.removeValue(forKey: observation.route) ?? RouteSecond()
        sample.add(observation)
        routes[observation.route] = sample
        seconds[second] = routes
        observations += 1
    }

    /// Adds log records (primary-side data); `route` names each record (default: method and path).
    public mutating func add(records: some Sequence<RequestRecord>, route: (RequestRecord) -> String = { "\($0.method) \($0.path)" }) {
        for record in records { add(RequestObservation(record: record, route: route(record))) }
    }

    /// The routes seen.
    public var routes: [String] { Set(seconds.values.flatMap(\.keys)).sorted() }

    /// The series of one route, or of all routes when `route` is `nil`; seconds without
    /// traffic inside the observed span appear with rate 0.
    public func points(route: String? = nil) -> [SeriesPoint] {
        guard let first = seconds.keys.min(), let last = seconds.keys.max() else { return [] }
        return (first...last).map { second in
            let sample = self.sample(second: second, route: route)
            return SeriesPoint(
                second: second, rate: Double(sample.requests),
                p50: Double(sample.latency.totalCount > 0 ? sample.latency.valueAtPercentile(50) : 0) / 1000,
                p99: Double(sample.latency.totalCount > 0 ? sample.latency.valueAtPercentile(99) : 0) / 1000,
                errorRate: sample.errorRate)
        }
    }

    /// One second's sample for a route, or all routes merged.
    public func sample(second: Int, route: String? = nil) -> RouteSecond {
        guard let routes = seconds[second] else { return RouteSecond() }
        if let route { return routes[route] ?? RouteSecond() }
        return routes.values.reduce(into: RouteSecond()) { $0.merge($1) }
    }

    /// Everything for a route (or all) over `range` of seconds, merged.
    public func total(route: String? = nil, seconds range: ClosedRange<Int>? = nil) -> RouteSecond {
        var total = RouteSecond()
        for (second, routes) in seconds where range?.contains(second) ?? true {
            if let route {
                if let sample = routes[route] { total.merge(sample) }
            } else {
                for sample in routes.values { total.merge(sample) }
            }
        }
        return total
    }
}
