import Emission
import Foundation
import Profiler
import Synthesis
import Testing
import Traffic

@Suite("A synthesized stream on the closed model (recording sink)")
struct ClosedStreamWireTests {
    @Test("one connection sends the synthesized requests in stream order, and a shard sends exactly its part")
    func streamOrderAndShards() async throws {
        let profile = ExampleProfile.shop(forecastSteps: 1, medianPerStep: 60_000)
        var base = SynthesisOptions()
        base.durationSeconds = 1
        base.rate = .absolute(80)
        base.payloadScale = 0.05 // small bodies: the recording sink rescans every connection's bytes per read
        base.seed = 23
        base.chunkRequests = 40
        base.host = "shadowcast.test"
        var whole: [[UInt8]] = []
        for shard in [Shard.whole, try Shard(index: 1, count: 2)] {
            let sink = try RecordingSink(seconds: 1.5)
            var options = base
            options.shard = shard
            let schedule = try SynthesizedSchedule(profile: profile, options: options)
            var configuration = EmissionConfiguration(target: EmissionTarget(host: "127.0.0.1", port: sink.port), model: .closedStream(pipeline: 4))
            configuration.connections = 1
            configuration.duration = .seconds(5)
            configuration.scheduleQueueDepth = 2
            let result = try await Emitter.run(configuration, schedule: schedule, routes: schedule.routeNames)
            sink.wait()
            let expected = collect(try ScheduleGenerator(profile: profile, options: options)).map(\.bytes)
            if shard == .whole { whole = expected }
            #expect(expected.count > 20)
            #expect(result.sent == UInt64(expected.count))
            #expect(result.requests == UInt64(expected.count))
            #expect(result.late == 0)
            // Far faster than the schedule's 1 s: the send times were ignored.
            #expect(result.durationSeconds < 0.9)
            let connections = sink.connections
            #expect(connections.count == 1)
            let inOrder = connections.first?.bytes == expected.flatMap { $0 }
            #expect(inOrder, "the recorded bytes are not the stream in order (\(connections.first?.bytes.count ?? 0) bytes recorded)")
            if shard != .whole {
                // Shard 1 of 2 is every second request of the whole stream, byte for byte.
                let partition = expected == whole.indices.filter { $0 % 2 == 1 }.map { whole[$0] }
                #expect(partition, "shard 1/2 is not every second request of the whole stream")
            }
        }
    }
}
