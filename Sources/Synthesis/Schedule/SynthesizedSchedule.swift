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
///
/// With a warm-up (``warmupSeconds`` > 0) the stream starts with that many seconds of requests
/// at the plan's starting rate and mix, sent before the run's clock (negative send times, for an
/// emitter configured with the same warm-up): same profile and options, their own seed stream
/// (they are not the run's first requests replayed), no scenario and no faults. The run's own
/// requests that follow are byte for byte those of the same schedule without a warm-up, and
/// ``progress`` counts them only (the warm-up's are in ``Progress/warmupStats``).
public struct SynthesizedSchedule: AsyncSequence, Sendable {
    public typealias Element = RequestBatch

    /// Counts of what has been produced so far, readable from any task.
    public final class Progress: Sendable {
        private let state = Mutex(SynthesisStats(routes: 0))

        private let warmupState = Mutex(SynthesisStats(routes: 0))

        /// A copy of the current counts (the run's requests, not the warm-up's).
        public var stats: SynthesisStats { state.withLock { $0 } }

        /// Counts of the warm-up's requests (its `skippedLate` never reached the emitter).
        public var warmupStats: SynthesisStats { warmupState.withLock { $0 } }

        fileprivate func publish(_ stats: SynthesisStats) { state.withLock { $0 = stats } }
        fileprivate func publishWarmup(_ stats: SynthesisStats) { warmupState.withLock { $0 = stats } }
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
    /// Seconds of warm-up requests before the run's own (0: none).
    public let warmupSeconds: Double

    /// Stream tag of the warm-up's seed (apart from the run's own draws).
    static let warmupSeedTag: UInt64 = 0x5741_524d_5550_0000

    /// Checks that the profile and options compile (throws ``SynthesisError`` otherwise).
    /// `warmupSeconds`: see the type's documentation (must be finite and >= 0).
    public init(profile: RequestProfile, options: SynthesisOptions, pacing: SchedulePacing? = nil, warmupSeconds: Double = 0) throws {
        guard warmupSeconds >= 0, warmupSeconds.isFinite else {
            throw SynthesisError.invalidOption(field: "warmup", detail: "must be a finite number of seconds >= 0")
        }
        let probe = try ScheduleGenerator(profile: profile, options: options)
        self.profile = profile
        self.options = options
        self.pacing = pacing
        self.warmupSeconds = warmupSeconds
        routeNames = probe.routeNames
        plan = probe.plan
        if warmupSeconds > 0 { _ = try Self.warmupGenerator(profile: profile, options: options, plan: plan, seconds: warmupSeconds) }
    }

    /// The warm-up's generator: `seconds` at the rate and mix of the plan's first segment, its
    /// send times shifted to end at 0. Its route ids are the run's (same routes, no fault routes:
    /// the warm-up sends no faults).
    static func warmupGenerator(profile: RequestProfile, options: SynthesisOptions, plan: RatePlan, seconds: Double) throws -> ScheduleGenerator {
        var warm = options
        warm.durationSeconds = seconds
        warm.arrivals = options.arrivals == .even ? .even : .open
        warm.faults = nil
        warm.scenario = nil
        warm.seed = options.seed ^ warmupSeedTag
        let first = plan.segments.first
        let generator = try ScheduleGenerator(profile: profile, options: warm) { warmPlan in
            // The run's mixes are indexed by the run's plan; the warm-up keeps its own plan's
            // mixes and uses the run's starting share vector when it is among them.
            let mix = first.flatMap { segment in warmPlan.mixes.firstIndex(of: plan.mixes[segment.mix]) } ?? warmPlan.segments.first?.mix ?? 0
            warmPlan.segments = [RatePlan.Segment(start: 0, end: seconds, rate: first?.rate ?? 0, mix: mix, hotKeys: [])]
        }
        generator.sendOffsetNanos = -warmupNanos(seconds)
        return generator
    }

    /// A warm-up's length in whole nanoseconds: the shift of its send times, and how long after
    /// its start the run's clock starts.
    static func warmupNanos(_ seconds: Double) -> Int64 { Int64((seconds * 1e9).rounded()) }

    public struct AsyncIterator: AsyncIteratorProtocol {
        let generator: ScheduleGenerator?
        let progress: Progress
        let clock: (@Sendable () -> Int64)?
        var cutoff: LateCutoff?
        var limit: ChunkLimit?
        /// The warm-up's generator until it is exhausted.
        var warmup: ScheduleGenerator?
        /// Warm-up length, nanoseconds: the run's clock starts this long after the warm-up's.
        let warmupNanos: Int64

        public mutating func next() async -> RequestBatch? {
            var lateBefore = Int64.min
            // The cutoff counts from the first send (the warm-up's start when there is one).
            if let clock, cutoff != nil { lateBefore = cutoff!.cutoff(now: clock()) }
            if let warm = warmup {
                let skippedBefore = warm.stats.skippedLate
                let chunk = warm.nextChunk(lateBefore: lateBefore, maxRequests: limit?.current ?? .max)
                if limit != nil { limit!.produced(skippedLate: warm.stats.skippedLate > skippedBefore) }
                progress.publishWarmup(warm.stats)
                if let chunk { return chunk }
                warmup = nil
            }
            if lateBefore != .min { lateBefore -= warmupNanos }  // in the run's own time
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
            limit: pacing.map { ChunkLimit(minimum: $0.minimumChunkRequests, maximum: options.chunkRequests) },
            warmup: warmupSeconds > 0 ? try? Self.warmupGenerator(profile: profile, options: options, plan: plan, seconds: warmupSeconds) : nil,
            warmupNanos: Self.warmupNanos(warmupSeconds))
    }
}
