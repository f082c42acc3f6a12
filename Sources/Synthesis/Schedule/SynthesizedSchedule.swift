import Profiler
import Synchronization
import Traffic

/// The schedule of a run as an `AsyncSequence` of ``RequestBatch`` chunks, for the emitter.
///
/// Each iteration compiles its own ``ScheduleGenerator`` and produces a chunk only when the
/// consumer asks for one, so the amount of schedule in memory is bounded by the consumer's
/// queue depth × ``SynthesisOptions/chunkRequests``. Counts are published to ``progress``.
///
/// With ``pacing``, production follows the consumer's send clock: requests already late when
/// their chunk is produced are counted (``SynthesisStats/skippedLate``), not rendered (see
/// ``SchedulePacing``). Without it every request is rendered, however late.
public struct SynthesizedSchedule: AsyncSequence, Sendable {
    public typealias Element = RequestBatch

    /// Counts of what has been produced so far, readable from any task.
    public final class Progress: Sendable {
        private let state = Mutex(SynthesisStats(routes: 0))

        /// A copy of the current counts.
        public var stats: SynthesisStats { state.withLock { $0 } }

        fileprivate func publish(_ stats: SynthesisStats) { state.withLock { $0 = stats } }
    }

    /// The profile.
    public let profile: RequestProfile
    /// The options.
    public let options: SynthesisOptions
    /// Route names by route id (what the emitter records results under).
    public let routeNames: [String]
    /// The rate plan (for printing the rate source and expected volume).
    public let plan: RatePlan
    /// Live counts.
    public let progress = Progress()
    /// Skips requests already late when produced (`nil`: renders every request).
    public let pacing: SchedulePacing?

    /// Checks that the profile and options compile (throws ``SynthesisError`` otherwise).
    public init(profile: RequestProfile, options: SynthesisOptions, pacing: SchedulePacing? = nil) throws {
        let probe = try ScheduleGenerator(profile: profile, options: options)
        self.profile = profile
        self.options = options
        self.pacing = pacing
        routeNames = probe.routeNames
        plan = probe.plan
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        let generator: ScheduleGenerator?
        let progress: Progress
        let clock: (@Sendable () -> Int64)?
        var cutoff: LateCutoff?
        var limit: ChunkLimit?

        public mutating func next() async -> RequestBatch? {
            var lateBefore = Int64.min
            if let clock, cutoff != nil { lateBefore = cutoff!.cutoff(now: clock()) }
            let skippedBefore = generator?.stats.skippedLate ?? 0
            let chunk = generator?.nextChunk(lateBefore: lateBefore, maxRequests: limit?.current ?? .max)
            if let generator, limit != nil { limit!.produced(skippedLate: generator.stats.skippedLate > skippedBefore) }
            guard let generator, let chunk else {
                if let generator { progress.publish(generator.stats) }
                return nil
            }
            progress.publish(generator.stats)
            return chunk
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        // Compiling succeeded in init with the same inputs, so this cannot fail; an empty
        // iterator is the safe answer if it ever did.
        AsyncIterator(
            generator: try? ScheduleGenerator(profile: profile, options: options), progress: progress,
            clock: pacing?.monotonicNanos, cutoff: pacing.map { LateCutoff(thresholdNanos: $0.thresholdNanos) },
            limit: pacing.map { ChunkLimit(minimum: $0.minimumChunkRequests, maximum: options.chunkRequests) })
    }
}
