import Emission
import Foundation
import Profiler
import Synthesis
import Testing
import Traffic

@Suite("Faults on the wire (recording sink)")
struct FaultWireTests {
    @Test("every fault kind reaches the wire as specified")
    func faultsOnTheWire() async throws {
        let profile = ExampleProfile.shop(forecastSteps: 1, medianPerStep: 60_000)
        let sink = try RecordingSink(seconds: 6)
        var options = SynthesisOptions()
        options.durationSeconds = 1
        options.rate = .absolute(300)
        options.seed = 11
        options.host = "127.0.0.1:\(sink.port)"
        options.faults = FaultPlan(rules: [
            FaultRule(kind: .badHeaderLine, probability: 0.05),
            FaultRule(kind: .wrongContentLength, probability: 0.05),
            FaultRule(kind: .truncatedBody, probability: 0.05),
            FaultRule(kind: .oversizedHeaders, probability: 0.02, bytes: 12_000),
            FaultRule(kind: .slowSend, probability: 0.03, dripSeconds: 0.3),
            FaultRule(kind: .reset, probability: 0.03),
            FaultRule(kind: .abandon, probability: 0.03),
        ])
        let schedule = try SynthesizedSchedule(profile: profile, options: options)
        var configuration = EmissionConfiguration(target: EmissionTarget(host: "127.0.0.1", port: sink.port), model: .schedule)
        configuration.duration = .seconds(3)
        configuration.connections = 8
        configuration.requestTimeout = .milliseconds(300)
        configuration.connectTimeout = .milliseconds(500)
        configuration.drain = .milliseconds(800)
        configuration.maxHeaderBytes = 65536
        let result = try await Emitter.run(configuration, schedule: schedule, routes: schedule.routeNames)
        sink.wait()

        // The same schedule, regenerated: what should be on the wire.
        let expected = collect(try ScheduleGenerator(profile: profile, options: options))
        let names = schedule.routeNames
        let connections = sink.connections
        let streams = connections.map { Data($0.bytes) }
        func onWire(_ bytes: [UInt8]) -> Bool { streams.contains { $0.range(of: Data(bytes)) != nil } }
        var seen: [String: Int] = [:]
        var found: [String: Int] = [:]
        for request in expected {
            let name = names[Int(request.entry.route)]
            seen[name, default: 0] += 1
            if onWire(request.bytes) { found[name, default: 0] += 1 }
        }
        // Every fault kind's exact bytes reached the sink (a stuck connection — e.g. behind a
        // wrong Content-Length — may keep later requests of that connection from being sent
        // within the run, so not every scheduled request is required on the wire).
        for kind in FaultKind.allCases { #expect(found[kind.routeName, default: 0] > 0, "no \(kind.rawValue) bytes on the wire: \(found) of \(seen)") }
        let clean = found.filter { !$0.key.hasPrefix("fault:") }.values.reduce(0, +)
        let cleanScheduled = seen.filter { !$0.key.hasPrefix("fault:") }.values.reduce(0, +)
        #expect(Double(clean) >= 0.5 * Double(cleanScheduled), "clean requests on the wire: \(clean) of \(cleanScheduled)")
        for kind in FaultKind.allCases { #expect(seen[kind.routeName, default: 0] > 0, "no \(kind.rawValue) in the schedule") }
        #expect(result.sent >= UInt64(expected.count))
        // Socket-level behaviour seen by the sink: a reset request is the last thing on a
        // connection the peer reset; an abandoned one the last thing on a connection closed
        // by the peer; a dripped one arrives in several reads spread over time.
        func endsWith(_ c: RecordingSink.Connection, _ bytes: [UInt8]) -> Bool { c.bytes.count >= bytes.count && Array(c.bytes.suffix(bytes.count)) == bytes }
        let resets = expected.filter { names[Int($0.entry.route)] == FaultKind.reset.routeName }
        #expect(resets.contains { r in connections.contains { $0.resetByPeer && Data($0.bytes).range(of: Data(r.bytes)) != nil } },
            "no connection carrying a reset request was reset (resets seen: \(connections.filter(\.resetByPeer).count), closes: \(connections.filter(\.closedByPeer).count) of \(connections.count))")
        let abandons = expected.filter { names[Int($0.entry.route)] == FaultKind.abandon.routeName }
        #expect(abandons.contains { r in connections.contains { !$0.resetByPeer && $0.closedByPeer && endsWith($0, r.bytes) } }, "no connection closed right after an abandoned request")
        let dripped = connections.contains { c in c.reads.count >= 3 && (c.reads.last!.0 - c.reads.first!.0) >= 0.2 }
        #expect(dripped, "no request bytes arrived dripped over time")
        #expect(result.faulted > 0)
    }
}
