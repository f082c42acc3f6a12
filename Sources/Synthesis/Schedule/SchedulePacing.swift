import Dispatch

/// Makes a ``SynthesizedSchedule`` follow the emitter's send clock instead of running flat out:
/// when a chunk is produced, this shard's requests whose intended send time is already more
/// than `lateThreshold` behind the clock are counted late (``SynthesisStats/skippedLate``)
/// without being rendered. How far production runs ahead is bounded by the consumer: a chunk is
/// produced only when the emitter's queue takes one; and while chunks come out late, they shrink
/// (down to ``minimumChunkRequests``) so that the queue holds little sending work and what is
/// rendered goes out soon instead of piling up late (see `ChunkLimit`).
///
/// So at a target rate the emitter cannot reach, the producer renders about what the emitter
/// sends and only draws (cheaply) the arrival times, routes and faults of the rest, instead of
/// serializing millions of requests that would only be counted late.
public struct SchedulePacing: Sendable {
    /// A request later than this when produced counts as late: use the emitter's late threshold,
    /// so that a skipped request is one the emitter would have reported late too.
    public var lateThreshold: Duration
    /// Smallest chunk while the emitter is behind (the largest is ``SynthesisOptions/chunkRequests``).
    public var minimumChunkRequests: Int
    /// A monotonic clock in nanoseconds (tests pass a manual one).
    public var monotonicNanos: @Sendable () -> Int64

    /// Pacing with the system's monotonic clock unless told otherwise.
    public init(
        lateThreshold: Duration, minimumChunkRequests: Int = 128,
        monotonicNanos: @escaping @Sendable () -> Int64 = SchedulePacing.systemNanos
    ) {
        self.lateThreshold = lateThreshold
        self.minimumChunkRequests = minimumChunkRequests
        self.monotonicNanos = monotonicNanos
    }

    /// The system's monotonic clock, nanoseconds.
    @Sendable public static func systemNanos() -> Int64 { Int64(truncatingIfNeeded: DispatchTime.now().uptimeNanoseconds) }

    var thresholdNanos: Int64 {
        let parts = lateThreshold.components
        let nanos = Double(parts.seconds) * 1e9 + Double(parts.attoseconds) / 1e9
        return nanos >= 9e18 ? Int64.max / 2 : Int64(max(0, nanos))
    }
}
