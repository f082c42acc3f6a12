/// What the send warm-up of a constant-rate run did (`EmissionConfiguration.warmup`). Its requests
/// are reported here, apart from the measured run, so a slow start is visible, never hidden.
public struct EmissionWarmup: Sendable, Equatable, Codable {
    /// Length of the warm-up in seconds.
    public var seconds: Double
    /// Requests sent during the warm-up.
    public var sent: UInt64
    /// Their responses received.
    public var completed: UInt64
    /// Warm-up requests sent later than the late threshold (or never sent in time).
    public var late: UInt64
    /// Warm-up requests that failed (any kind), plus connection errors during the warm-up.
    public var errors: UInt64

    /// Creates a record.
    public init(seconds: Double, sent: UInt64, completed: UInt64, late: UInt64, errors: UInt64) {
        self.seconds = seconds
        self.sent = sent
        self.completed = completed
        self.late = late
        self.errors = errors
    }
}
