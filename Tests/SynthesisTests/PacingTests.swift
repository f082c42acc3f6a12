import Emission
import Profiler
import Synchronization
@testable import Synthesis
import Testing
import Traffic

/// A clock the test moves by hand.
private final class ManualClock: Sendable {
    private let nanos = Mutex<Int64>(1_000_000_000)
    var now: Int64 { nanos.withLock { $0 } }
    func advance(by delta: Int64) { nanos.withLock { $0 += delta } }
}

@Suite("Pacing: production follows the consumer's clock")
struct PacingTests {
    private static func profile() -> RequestProfile { ExampleProfile.shop(forecastSteps: 1, medianPerStep: 60_000) }

    private static func fastOptions(_ configure: (inout SynthesisOptions) -> Void = { _ in }) -> SynthesisOptions {
        options(seed: 3, duration: 0.2) {
            $0.rate = .absolute(200_000)
            $0.chunkRequests = 256
            $0.faults = FaultPlan(rules: [FaultRule(kind: .badHeaderLine, probability: 0.05)])
            configure(&$0)
        }
    }

    @Test("the late cutoff: nothing late before the clock starts, then elapsed minus the threshold")
    func lateCutoffStates() {
        var cutoff = LateCutoff(thresholdNanos: 1_000_000)
        #expect(cutoff.cutoff(now: 50) == .min)              // first chunk: the emitter's clock is not running
        #expect(cutoff.cutoff(now: 7_000_000) == -1_000_000)  // second chunk: the clock starts now
        #expect(cutoff.cutoff(now: 12_000_000) == 4_000_000)  // 5 ms later: requests before 4 ms are late
        #expect(cutoff.cutoff(now: 7_500_000) == -500_000)    // the clock is taken as given
    }

    @Test("the chunk limit starts small, doubles while chunks are on time and falls back when one is late")
    func chunkLimitStates() {
        var limit = ChunkLimit(minimum: 100, maximum: 1000)
        #expect(limit.current == 100, "slow start")
        limit.produced(skippedLate: false)
        #expect(limit.current == 200)
        for _ in 0..<5 { limit.produced(skippedLate: false) }
        #expect(limit.current == 1000)
        limit.produced(skippedLate: true)
        #expect(limit.current == 100)
        limit.produced(skippedLate: true)
        #expect(limit.current == 100)
        #expect(ChunkLimit(minimum: 5000, maximum: 1000).minimum == 1000)
    }

    @Test("skipped requests are counted, rendered ones keep their bytes, times and routes", arguments: [1, 3])
    func skippingKeepsTheRest(shards: Int) throws {
        let profile = Self.profile()
        for shard in 0..<shards {
            var o = Self.fastOptions()
            o.shard = try Shard(index: shard, count: shards)
            let reference = collect(try ScheduleGenerator(profile: profile, options: o))
            // Requests by send time (a few share a nanosecond: keep them all).
            let byTime = Dictionary(grouping: reference, by: \.entry.sendAtNanos)
            // A consumer that takes one chunk per 10 ms of run time: far slower than 200k/s.
            let generator = try ScheduleGenerator(profile: profile, options: o)
            var cutoff: Int64 = 0
            var pulls = 0
            var rendered: [(entry: RequestBatch.Entry, bytes: [UInt8])] = []
            while let chunk = generator.nextChunk(lateBefore: cutoff) {
                pulls += 1
                for index in chunk.entries.indices {
                    #expect(chunk.entries[index].sendAtNanos >= cutoff)
                    rendered.append((chunk.entries[index], Array(chunk.bytes(at: index))))
                }
                cutoff += 10_000_000
            }
            let stats = generator.stats
            #expect(stats.requests == rendered.count)
            #expect(stats.requests + stats.skippedLate == reference.count, "every request is rendered or counted late")
            #expect(stats.shardScheduled == reference.count)
            #expect(stats.skippedLate > reference.count / 2, "a slow consumer makes most of the schedule late: \(stats.skippedLate) of \(reference.count)")
            #expect(stats.requests <= pulls * o.chunkRequests)
            // The rendered requests per route never exceed the reference's.
            var perRoute = [Int](repeating: 0, count: generator.routeNames.count)
            for request in reference { perRoute[Int(request.entry.route)] += 1 }
            #expect(zip(stats.requestsPerRoute, perRoute).allSatisfy { $0 <= $1 })
            // What is rendered is exactly the reference's request at that time.
            var mismatches = 0
            for request in rendered {
                let candidates = byTime[request.entry.sendAtNanos] ?? []
                if !candidates.contains(where: { $0.bytes == request.bytes && $0.entry.route == request.entry.route && $0.entry.flags == request.entry.flags }) { mismatches += 1 }
            }
            #expect(mismatches == 0)
            #expect(rendered.count > 0)
        }
    }

    @Test("a cutoff before the schedule skips nothing and changes nothing")
    func noCutoffNoChange() throws {
        let profile = Self.profile()
        let reference = collect(try ScheduleGenerator(profile: profile, options: Self.fastOptions()))
        let generator = try ScheduleGenerator(profile: profile, options: Self.fastOptions())
        var all: [(entry: RequestBatch.Entry, bytes: [UInt8])] = []
        while let chunk = generator.nextChunk(lateBefore: -1) {
            for index in chunk.entries.indices { all.append((chunk.entries[index], Array(chunk.bytes(at: index)))) }
        }
        #expect(generator.stats.skippedLate == 0)
        #expect(all.map(\.bytes) == reference.map(\.bytes))
        #expect(all.map(\.entry) == reference.map(\.entry))
    }

    @Test("a paced schedule with a slow consumer renders about what the consumer takes, and accounts for the rest")
    func pacedScheduleWithSlowConsumer() async throws {
        let profile = Self.profile()
        let o = Self.fastOptions()
        let total = collect(try ScheduleGenerator(profile: profile, options: o)).count
        let clock = ManualClock()
        let schedule = try SynthesizedSchedule(
            profile: profile, options: o, pacing: SchedulePacing(lateThreshold: .milliseconds(1), minimumChunkRequests: 64, monotonicNanos: { clock.now }))
        var pulls = 0
        var rendered = 0
        var firstChunk = 0
        var sizes: [Int] = []
        for await chunk in schedule {
            pulls += 1
            if pulls == 1 { firstChunk = chunk.entries.count }
            rendered += chunk.entries.count
            sizes.append(chunk.entries.count)
            clock.advance(by: 20_000_000)  // the consumer needs 20 ms per 256-request chunk (12.8k/s)
        }
        let stats = schedule.progress.stats
        #expect(firstChunk == 64, "slow start: the first chunk has the minimum size and is never skipped")
        // Chunks that come out late stay at the minimum, so little sending work waits in the queue.
        #expect(sizes.allSatisfy { $0 <= 256 } && sizes.dropFirst(3).allSatisfy { $0 <= 64 }, "chunk sizes: \(sizes)")
        #expect(stats.requests == rendered)
        #expect(stats.requests + stats.skippedLate == total)
        // 0.2 s of schedule at 20 ms per chunk: about 10 chunks rendered, not 40000 / 64 = 625.
        #expect(pulls <= 13, "production follows the consumer: \(pulls) chunks")
        #expect(stats.requests <= 13 * 128)
        #expect(stats.skippedLate >= total - 13 * 128)
    }

    @Test("without pacing every request is rendered, however slow the consumer")
    func unpacedRendersAll() async throws {
        let profile = Self.profile()
        let o = Self.fastOptions()
        let total = collect(try ScheduleGenerator(profile: profile, options: o)).count
        let schedule = try SynthesizedSchedule(profile: profile, options: o)
        var rendered = 0
        for await chunk in schedule { rendered += chunk.entries.count }
        #expect(rendered == total)
        #expect(schedule.progress.stats.skippedLate == 0)
    }
}
