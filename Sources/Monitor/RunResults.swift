import Foundation

/// The `--json` results of `shadowcast load` / `run` (the keys agreed with Emission), for one run
/// and, under `routes`, for each route.
///
/// ```json
/// {"requests": 12000, "duration_s": 20.0, "rps": 600.0, "errors": {"http_5xx": 3, "timeout": 1},
///  "late": 0, "latency_ms": {"p50": 12.1, "p90": 30.2, "p99": 80.4, "p999": 120.0, "max": 151.2},
///  "histogram_us": [[1023, 5], [1100, 9]], "routes": {"/search": {…same fields…}}}
/// ```
public struct RunResults: Codable, Sendable, Hashable {
    /// Latency percentiles in milliseconds.
    public struct Percentiles: Codable, Sendable, Hashable {
        /// Median.
        public var p50: Double
        /// 90th percentile.
        public var p90: Double
        /// 99th percentile.
        public var p99: Double
        /// 99.9th percentile.
        public var p999: Double
        /// Largest.
        public var max: Double

        /// Creates percentiles.
        public init(p50: Double, p90: Double, p99: Double, p999: Double, max: Double) {
            self.p50 = p50
            self.p90 = p90
            self.p99 = p99
            self.p999 = p999
            self.max = max
        }

        /// Percentiles of a bucketed distribution.
        public init(_ buckets: LatencyBuckets) {
            self.init(
                p50: Double(buckets.quantile(0.50)) / 1000, p90: Double(buckets.quantile(0.90)) / 1000,
                p99: Double(buckets.quantile(0.99)) / 1000, p999: Double(buckets.quantile(0.999)) / 1000,
                max: Double(buckets.buckets.last?.value ?? 0) / 1000)
        }
    }

    /// Requests sent (answered or failed).
    public var requests: UInt64
    /// Length of the run in seconds.
    public var durationSeconds: Double
    /// Requests per second achieved.
    public var rps: Double
    /// Errors by kind.
    public var errors: [String: UInt64]
    /// Requests sent later than scheduled (open-model schedule slip).
    public var late: UInt64
    /// Latency percentiles.
    public var latencyMs: Percentiles
    /// Per route (absent inside a route).
    public var routes: [String: RunResults]?
    /// The latency distribution as `[value_us, count]` pairs.
    public var histogramMicros: [[UInt64]]

    enum CodingKeys: String, CodingKey {
        case requests, rps, errors, late, routes
        case durationSeconds = "duration_s"
        case latencyMs = "latency_ms"
        case histogramMicros = "histogram_us"
    }

    /// Creates a summary.
    public init(
        requests: UInt64, durationSeconds: Double, errors: [String: UInt64], late: UInt64 = 0,
        buckets: LatencyBuckets, routes: [String: RunResults]? = nil
    ) {
        self.requests = requests
        self.durationSeconds = durationSeconds
        self.rps = durationSeconds > 0 ? Double(requests) / durationSeconds : 0
        self.errors = errors
        self.late = late
        self.latencyMs = Percentiles(buckets)
        self.routes = routes
        self.histogramMicros = buckets.pairs
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        requests = try container.decode(UInt64.self, forKey: .requests)
        durationSeconds = try container.decode(Double.self, forKey: .durationSeconds)
        rps = try container.decodeIfPresent(Double.self, forKey: .rps) ?? (durationSeconds > 0 ? Double(requests) / durationSeconds : 0)
        errors = try container.decodeIfPresent([String: UInt64].self, forKey: .errors) ?? [:]
        late = try container.decodeIfPresent(UInt64.self, forKey: .late) ?? 0
        routes = try container.decodeIfPresent([String: RunResults].self, forKey: .routes)
        histogramMicros = try container.decodeIfPresent([[UInt64]].self, forKey: .histogramMicros) ?? []
        for (index, pair) in histogramMicros.enumerated() where pair.count != 2 {
            throw DecodingError.dataCorrupted(.init(
                codingPath: container.codingPath + [CodingKeys.histogramMicros],
                debugDescription: "histogram_us[\(index)] has \(pair.count) numbers, expected [value_us, count]"))
        }
        if let latency = try container.decodeIfPresent(Percentiles.self, forKey: .latencyMs) {
            latencyMs = latency
        } else {
            latencyMs = Percentiles(LatencyBuckets(pairs: histogramMicros.map { ($0[0], $0[1]) }))
        }
    }

    /// The latency distribution.
    public var buckets: LatencyBuckets { LatencyBuckets(pairs: histogramMicros.map { ($0[0], $0[1]) }) }

    /// All errors.
    public var errorCount: UInt64 { errors.values.reduce(0, +) }

    /// Errors over requests.
    public var errorRate: Double { requests > 0 ? Double(errorCount) / Double(requests) : 0 }

    /// Summarizes a series over its whole span (routes included).
    public init(series: TrafficSeries) {
        let span = series.seconds.keys.min().flatMap { first in series.seconds.keys.max().map { Double($0 - first + 1) } } ?? 0
        func summary(_ sample: RouteSecond, routes: [String: RunResults]?) -> RunResults {
            RunResults(requests: sample.requests, durationSeconds: span, errors: sample.errors,
                       buckets: LatencyBuckets(histogram: sample.latency), routes: routes)
        }
        var routes: [String: RunResults] = [:]
        for route in series.routes { routes[route] = summary(series.total(route: route), routes: nil) }
        self = summary(series.total(), routes: routes)
    }

    /// Reads a results file; errors name the file and the field.
    public static func load(path: String) throws(MonitorInputError) -> RunResults {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw MonitorInputError(source: path, message: "cannot read: \(error.localizedDescription)")
        }
        return try decode(data, source: path)
    }

    /// Decodes results JSON; `source` names it in errors.
    public static func decode(_ data: Data, source: String) throws(MonitorInputError) -> RunResults {
        do {
            return try JSONDecoder().decode(RunResults.self, from: data)
        } catch let error as DecodingError {
            throw MonitorInputError(source: source, message: MonitorInputError.describe(error))
        } catch {
            throw MonitorInputError(source: source, message: "not JSON: \(error.localizedDescription)")
        }
    }

    /// JSON with sorted keys.
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(self)
    }
}

/// Input Monitor cannot use: where (file, line, field) and why.
public struct MonitorInputError: Error, Sendable, CustomStringConvertible {
    /// The file, URL or field.
    public var source: String
    /// What is wrong.
    public var message: String

    /// Creates an error.
    public init(source: String, message: String) {
        self.source = source
        self.message = message
    }

    public var description: String { "\(source): \(message)" }

    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let text = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return text.isEmpty ? "top level" : String(text.drop { $0 == "." })
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "missing field '\(key.stringValue)' at \(path(context))"
        case .typeMismatch(let type, let context):
            return "field \(path(context)): expected \(type)"
        case .valueNotFound(_, let context), .dataCorrupted(let context):
            return "field \(path(context)): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}
