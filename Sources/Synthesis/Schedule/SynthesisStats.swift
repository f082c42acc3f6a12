/// What a generator has produced so far (this shard only).
public struct SynthesisStats: Sendable, Equatable {
    /// Requests per route id (clean routes first, then one `fault:<kind>` route per fault kind).
    public var requestsPerRoute: [Int]
    /// Faulted requests per fault kind.
    public var faults: [FaultKind: Int] = [:]
    /// Requests produced by this shard.
    public var requests: Int = 0
    /// Requests in the whole schedule up to now (all shards).
    public var scheduled: Int = 0
    /// Serialized bytes produced.
    public var bytes: Int = 0

    /// Faulted requests in all.
    public var faulted: Int { faults.values.reduce(0, +) }
}
