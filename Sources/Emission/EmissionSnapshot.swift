/// Counters of a run at one moment, with the rates of the last interval. Produced about once per
/// `EmissionConfiguration.snapshotInterval` while the run goes on.
public struct EmissionSnapshot: Sendable, Equatable, Codable {
    /// Seconds since the run started.
    public var elapsedSeconds: Double
    /// Requests sent so far.
    public var sent: UInt64
    /// Responses received so far.
    public var completed: UInt64
    /// Requests sent later than the late threshold so far.
    public var late: UInt64
    /// Errors so far.
    public var errors: EmissionErrorCounts
    /// Responses received during the last interval.
    public var intervalCompleted: UInt64
    /// Requests sent during the last interval.
    public var intervalSent: UInt64
    /// Errors during the last interval.
    public var intervalErrors: UInt64
    /// Length of the last interval in seconds.
    public var intervalSeconds: Double
    /// Mean latency (from the intended send time) of the last interval, microseconds.
    public var intervalMeanLatencyMicros: Double
    /// Send warm-up (`EmissionConfiguration.warmup`) requests sent so far (absent in snapshots
    /// saved by older versions).
    public var warmupSent: UInt64?
    /// Send warm-up requests late so far (absent in snapshots saved by older versions).
    public var warmupLate: UInt64?

    /// Responses per second over the last interval.
    public var intervalRate: Double { intervalSeconds > 0 ? Double(intervalCompleted) / intervalSeconds : 0 }
}
