/// The state of a running load at one moment, as shown on the progress line.
public struct ProgressSnapshot: Sendable, Equatable {
    /// Seconds since the run started.
    public var elapsed: Double
    /// Seconds left, if the run has a known length.
    public var remaining: Double?
    /// Responses per second over the last interval.
    public var rate: Double
    /// 99th percentile latency over the last interval, milliseconds (nil before any response).
    public var p99Ms: Double?
    /// Failed responses so far.
    public var errors: Int
    /// Responses so far (for the error percentage), if known.
    public var completed: Int?

    /// Creates a snapshot.
    public init(elapsed: Double, remaining: Double? = nil, rate: Double, p99Ms: Double? = nil, errors: Int = 0, completed: Int? = nil) {
        self.elapsed = elapsed
        self.remaining = remaining
        self.rate = rate
        self.p99Ms = p99Ms
        self.errors = errors
        self.completed = completed
    }

    /// Share of completed responses that failed, when `completed` is known and positive.
    public var errorRate: Double? {
        guard let completed, completed > 0 else { return nil }
        return Double(errors) / Double(completed)
    }
}
