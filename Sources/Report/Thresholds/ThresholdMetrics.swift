/// The measured figures a ``Threshold`` can be checked against.
///
/// Any stage that measures a run fills what it knows; a threshold on a figure that is `nil`
/// fails with "not measured" rather than passing silently.
public struct ThresholdMetrics: Sendable, Equatable {
    /// Median latency, milliseconds.
    public var p50Ms: Double?
    /// 90th percentile latency, milliseconds.
    public var p90Ms: Double?
    /// 99th percentile latency, milliseconds.
    public var p99Ms: Double?
    /// 99.9th percentile latency, milliseconds.
    public var p999Ms: Double?
    /// Largest latency, milliseconds.
    public var maxMs: Double?
    /// Failed responses over all responses (fraction).
    public var errorRate: Double?
    /// Mean responses per second.
    public var rps: Double?
    /// Requests sent later than scheduled by more than the engine's tolerance (fraction).
    public var lateRate: Double?

    /// Creates a set of figures.
    public init(
        p50Ms: Double? = nil, p90Ms: Double? = nil, p99Ms: Double? = nil, p999Ms: Double? = nil,
        maxMs: Double? = nil, errorRate: Double? = nil, rps: Double? = nil, lateRate: Double? = nil
    ) {
        self.p50Ms = p50Ms
        self.p90Ms = p90Ms
        self.p99Ms = p99Ms
        self.p999Ms = p999Ms
        self.maxMs = maxMs
        self.errorRate = errorRate
        self.rps = rps
        self.lateRate = lateRate
    }

    /// The value of one metric, if measured.
    public subscript(metric: Threshold.Metric) -> Double? {
        switch metric {
        case .p50: p50Ms
        case .p90: p90Ms
        case .p99: p99Ms
        case .p999: p999Ms
        case .max: maxMs
        case .errors: errorRate
        case .rps: rps
        case .late: lateRate
        }
    }
}
