/// Per-second series of the primary and the secondary, on the run's clock.
public struct ComparisonTimeline: Codable, Sendable, Equatable {
    /// Samples of the primary (replayed traffic), one per second; empty if there was none.
    public var primary: [SecondSample]
    /// Samples of the secondary (synthetic load), one per second. A single-target run
    /// (`shadowcast load`) fills only this one.
    public var secondary: [SecondSample]

    /// Creates a timeline.
    public init(primary: [SecondSample] = [], secondary: [SecondSample] = []) {
        self.primary = primary
        self.secondary = secondary
    }

    /// True when neither target has a sample.
    public var isEmpty: Bool { primary.isEmpty && secondary.isEmpty }
}

/// What one target did during one second.
public struct SecondSample: Codable, Sendable, Equatable {
    /// Seconds since the run started (start of this second).
    public var t: Double
    /// Responses completed per second.
    public var rate: Double
    /// Median latency in milliseconds.
    public var p50Ms: Double
    /// 99th-percentile latency in milliseconds.
    public var p99Ms: Double
    /// Share of responses that were errors (fraction).
    public var errorRate: Double
    /// Mean latency in milliseconds, for runs that measure a mean per second but no
    /// percentiles (`load`, `run`: their `p50Ms`/`p99Ms` are then 0). Absent otherwise.
    public var meanMs: Double?

    /// Creates a sample.
    public init(t: Double, rate: Double, p50Ms: Double, p99Ms: Double, errorRate: Double, meanMs: Double? = nil) {
        self.t = t
        self.rate = rate
        self.p50Ms = p50Ms
        self.p99Ms = p99Ms
        self.errorRate = errorRate
        self.meanMs = meanMs
    }

    /// Whether the sample carries latency percentiles (else only, maybe, a mean).
    public var hasPercentiles: Bool { p50Ms > 0 || p99Ms > 0 }
}
