import Emission
import Foundation
import Profiler
@testable import Synthesis
import Testing
import Traffic

@Suite("A synthesized schedule with a send warm-up (recording sink)")
struct WarmupWireTests {
    private static func options() -> SynthesisOptions {
        var o = SynthesisOptions()
        o.durationSeconds = 0.5
        o.rate = .absolute(120)
        o.payloadScale = 0.05 // small bodies: the recording sink rescans every connection's bytes per read
        o.seed = 29
        o.chunkRequests = 32
        o.host = "shadowcast.test"
        return o
    }

    @Test("the warm-up's requests come first with negative send times, the run's are those of the run without it")
    func streamShape() throws {
        let profile = ExampleProfile.shop(forecastSteps: 1, medianPerStep: 60_000)
        let options = Self.options()
        let plain = collect(try ScheduleGenerator(profile: profile, options: options))
        let schedule = try SynthesizedSchedule(profile: profile, options: options, warmupSeconds: 0.4)
        let warm = try SynthesizedSchedule.warmupGenerator(profile: profile, options: options, plan: schedule.plan, seconds: 0.4)
        let warmRequests = collect(warm)
        // 0.4 s at the plan's starting rate (120/s here: one constant step): about 48 requests.
        #expect(warmRequests.count > 15 && warmRequests.count < 100)
        #expect(warmRequests.allSatisfy { $0.entry.sendAtNanos >= -400_000_000 && $0.entry.sendAtNanos < 0 })
        #expect(warmRequests.allSatisfy { Int($0.entry.route) < schedule.routeNames.count })
        // Their own draws: not the run's first requests replayed.
        #expect(warmRequests.prefix(5).map(\.bytes) != plain.prefix(5).map(\.bytes))
        #expect(throws: SynthesisError.self) { try SynthesizedSchedule(profile: profile, options: options, warmupSeconds: -1) }
    }

    @Test("the emitter sends the warm-up before its clock and reports it apart; the measured run is unchanged")
    func onTheWire() async throws {
        let profile = ExampleProfile.shop(forecastSteps: 1, medianPerStep: 60_000)
        let options = Self.options()
        let sink = try RecordingSink(seconds: 2.5)
        let schedule = try SynthesizedSchedule(
            profile: profile, options: options, pacing: SchedulePacing(lateThreshold: .milliseconds(50)), warmupSeconds: 0.4)
        var configuration = EmissionConfiguration(target: EmissionTarget(host: "127.0.0.1", port: sink.port), model: .schedule)
        configuration.connections = 1
        configuration.maxConnections = 1
        configuration.duration = .milliseconds(500)
        configuration.warmup = .milliseconds(400)
        configuration.lateThreshold = .milliseconds(50)
        let result = try await Emitter.run(configuration, schedule: schedule, routes: schedule.routeNames)
        sink.wait()
        let plain = collect(try ScheduleGenerator(profile: profile, options: options))
        let warm = collect(try SynthesizedSchedule.warmupGenerator(profile: profile, options: options, plan: schedule.plan, seconds: 0.4))
        let warmup = try #require(result.sendWarmup)
        #expect(warmup.seconds == 0.4)
        // Every request is accounted for: the run's own in the run's figures (sent, or skipped by
        // the producer as late), the warm-up's apart.
        let stats = schedule.progress.stats, warmStats = schedule.progress.warmupStats
        #expect(stats.shardScheduled == plain.count)
        #expect(result.sent + UInt64(stats.skippedLate) == UInt64(plain.count))
        #expect(warmStats.shardScheduled == warm.count)
        #expect(warmup.sent + UInt64(warmStats.skippedLate) == UInt64(warm.count))
        #expect(warmup.completed == warmup.sent)
        // One connection, sent in schedule order: the wire holds the warm-up, then the run.
        let recorded = sink.connections.flatMap(\.bytes)
        if stats.skippedLate == 0, warmStats.skippedLate == 0 {
            #expect(recorded == (warm + plain).flatMap(\.bytes), "the recorded bytes are not the warm-up followed by the run (\(recorded.count) bytes)")
        } else {
            // Late (dropped or skipped) requests on a loaded machine: the run's bytes still end the stream.
            let tail = plain.suffix(3).flatMap(\.bytes)
            #expect(recorded.suffix(tail.count) == tail[...])
        }
    }
}
