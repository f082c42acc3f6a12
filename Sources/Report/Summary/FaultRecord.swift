/// A kind of fault injected into the secondary and what came of it.
public struct FaultRecord: Codable, Sendable, Equatable {
    /// Fault kind, e.g. `latency`, `abort`, `reset`, `slow-body`.
    public var kind: String
    /// How many times it was injected.
    public var count: Int
    /// Seconds since the run started when the fault was first injected, if known.
    public var firstT: Double?
    /// Seconds since the run started when the fault was last injected, if known.
    public var lastT: Double?
    /// Requests that failed because of it.
    public var errorsCaused: Int?
    /// What the service did, as a sentence (e.g. "retried and recovered within 2 s").
    public var outcome: String

    /// Creates a fault record.
    public init(kind: String, count: Int, firstT: Double? = nil, lastT: Double? = nil, errorsCaused: Int? = nil, outcome: String) {
        self.kind = kind
        self.count = count
        self.firstT = firstT
        self.lastT = lastT
        self.errorsCaused = errorsCaused
        self.outcome = outcome
    }
}
