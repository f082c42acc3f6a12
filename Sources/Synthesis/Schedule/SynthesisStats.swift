/// What a generator has produced so far (this shard only, unless said otherwise).
///
/// Every request of this shard's schedule drawn so far is either rendered (`requests`) or
/// counted late before rendering (`skippedLate`): `requests + skippedLate == shardScheduled`.
public struct SynthesisStats: Sendable, Equatable {
    /// Rendered requests per route id (clean routes first, then one `fault:<kind>` route per fault kind).
    public var requestsPerRoute: [Int]
    /// Rendered faulted requests per fault kind.
    public var faults: [FaultKind: Int] = [:]
    /// Requests rendered by this shard.
    public var requests: Int = 0
    /// Requests of this shard whose intended send time had already passed (by more than the
    /// late threshold) when the producer reached them: counted late, never rendered nor sent
    /// (only their arrival times are drawn, so they are not attributed to routes).
    /// Only a paced ``SynthesizedSchedule`` (or ``ScheduleGenerator/nextChunk(lateBefore:)``) skips.
    public var skippedLate: Int = 0
    /// Requests in the whole schedule up to now (all shards).
    public var scheduled: Int = 0
    /// Serialized bytes produced.
    public var bytes: Int = 0

    /// Creates counts for `routes` route ids, all zero.
    public init(routes: Int) {
        requestsPerRoute = [Int](repeating: 0, count: routes)
    }

    /// Faulted requests in all.
    public var faulted: Int { faults.values.reduce(0, +) }

    /// This shard's requests drawn so far: rendered plus counted late before rendering.
    public var shardScheduled: Int { requests + skippedLate }
}
