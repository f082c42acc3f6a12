import ArgumentParser
import Foundation
import Testing
@testable import shadowcast
@testable import Shadowcast

@Suite("run --max: the closed model over the synthesized stream", .serialized)
struct RunMaxTests {
    static let target = ["p.json", "--target", "http://127.0.0.1:8080"]

    @Test("options that only shape arrival times are refused with --max; request-shaping ones are kept")
    func validation() throws {
        for conflicting in [["--rate", "500"], ["--rate-scale", "2"], ["--quantile", "0.9"], ["--sampled-path"],
                            ["--time-compression", "24"], ["--sessions"], ["--even-arrivals"], ["--scenario", "flash-sale"], ["--autoscale", "predictive", "--capacity-per-instance", "100"]] {
            #expect(throws: (any Error).self, "\(conflicting)") { try RunCommand.parse(Self.target + ["--max"] + conflicting) }
            // The same options are fine on the open model.
            _ = try RunCommand.parse(Self.target + conflicting)
        }
        let run = try RunCommand.parse(Self.target + [
            "--max", "-c", "16", "--pipeline", "4", "--requests", "100", "--route-share", "/checkout=0.5",
            "--payload-scale", "2", "--user-agent", "k6=1", "--geo", "US=1", "--shard", "1/2"])
        #expect(run.maxRate && run.pipeline == 4 && run.requests == 100)
        #expect(throws: (any Error).self) { try RunCommand.parse(Self.target + ["--pipeline", "4"]) }
        #expect(throws: (any Error).self) { try RunCommand.parse(Self.target + ["--requests", "10"]) }
        #expect(throws: (any Error).self) { try RunCommand.parse(Self.target + ["--max", "--pipeline", "0"]) }
        // arrival models: Poisson by default, evenly spaced or session-driven on request, not both
        #expect(try RunCommand.parse(Self.target).synthesis.options(host: "h").arrivals == .open)
        #expect(try RunCommand.parse(Self.target + ["--even-arrivals"]).synthesis.options(host: "h").arrivals == .even)
        #expect(try RunCommand.parse(Self.target + ["--sessions"]).synthesis.options(host: "h").arrivals == .sessions)
        #expect(throws: (any Error).self) { try RunCommand.parse(Self.target + ["--even-arrivals", "--sessions"]) }
    }

    @Test("a windowed fault rule is refused with --max, a probability-only one is kept")
    func faultWindows() throws {
        try ClosedRunStream.checkFaults(FaultPlan(rules: [FaultRule(kind: .reset, probability: 0.1)]))
        var windowed = FaultRule(kind: .reset, probability: 0.1)
        windowed.windowStart = 2
        windowed.windowDuration = 1
        #expect(throws: (any Error).self) { try ClosedRunStream.checkFaults(FaultPlan(rules: [windowed])) }
    }

    @Test("run --max --requests N sends exactly N synthesized requests and reports the closed model")
    func endToEnd() async throws {
        let sink = try HTTPSink()
        defer { sink.stop() }
        let report: [String: Any]? = try await ExampleRun.report(
            against: sink, ["--max", "-c", "4", "--pipeline", "2", "--requests", "777", "-d", "5s"])
        #expect(report?["model"] as? String == "closed")
        #expect(report?["pipeline"] as? Int == 2)
        #expect(report?["requests"] as? Int == 777)
        #expect(report?["late"] as? Int == 0)
        #expect((report?["duration_s"] as? Double ?? 99) < 4)
        #expect(sink.requestsAnswered == 777)
        let routes = report?["routes"] as? [String: Any]
        #expect((routes?.count ?? 0) > 1)
    }
}
