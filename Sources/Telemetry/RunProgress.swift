/// Where a load run stands at one moment: cumulative counts since the run started, plus the
/// rates of the last interval. The Telemetry side of an emission snapshot, so this module needs
/// no pipeline stage (`Shadowcast` maps `EmissionSnapshot` and `EmissionResult` onto it).
public struct RunProgress: Sendable, Equatable {
    /// Seconds since the run started.
    public var elapsedSeconds: Double
    /// Requests sent so far.
    public var sent: UInt64
    /// Responses received so far (any status).
    public var answered: UInt64
    /// Requests sent later than the late threshold so far.
    public var late: UInt64
    /// Failed requests so far by kind (`refused`, `reset`, `timeout`, `closed_early`, `parse`, `other`).
    public var errors: [String: UInt64]
    /// Fault-injected requests so far by fault kind (empty when the run injects none).
    public var faults: [String: UInt64]
    /// Latency (from the intended send time) summed over the answered requests, seconds.
    public var latencySumSeconds: Double
    /// Responses per second over the last interval.
    public var answerRate: Double
    /// Requests sent per second over the last interval.
    public var sendRate: Double
    /// Mean latency of the last interval's responses, seconds (0 when none arrived).
    public var intervalMeanLatencySeconds: Double

    /// Creates a progress value.
    public init(
        elapsedSeconds: Double, sent: UInt64, answered: UInt64, late: UInt64 = 0, errors: [String: UInt64] = [:],
        faults: [String: UInt64] = [:], latencySumSeconds: Double = 0, answerRate: Double = 0, sendRate: Double = 0,
        intervalMeanLatencySeconds: Double = 0
    ) {
        self.elapsedSeconds = elapsedSeconds
        self.sent = sent
        self.answered = answered
        self.late = late
        self.errors = errors
        self.faults = faults
        self.latencySumSeconds = latencySumSeconds
        self.answerRate = answerRate
        self.sendRate = sendRate
        self.intervalMeanLatencySeconds = intervalMeanLatencySeconds
    }

    /// Errors of every kind.
    public var errorTotal: UInt64 { errors.values.reduce(0, +) }
}

/// The latency of a finished run at a few quantiles, from its full histogram.
public struct RunLatencyQuantiles: Sendable, Equatable {
    /// `(quantile 0…1, seconds)` pairs, ascending.
    public var values: [(quantile: Double, seconds: Double)]

    /// Creates quantiles.
    public init(_ values: [(quantile: Double, seconds: Double)]) {
        self.values = values.sorted { $0.quantile < $1.quantile }
    }

    /// The quantiles a run's summary publishes.
    public static let published: [Double] = [0.5, 0.9, 0.99, 0.999]

    public static func == (a: Self, b: Self) -> Bool {
        a.values.map(\.quantile) == b.values.map(\.quantile) && a.values.map(\.seconds) == b.values.map(\.seconds)
    }
}
