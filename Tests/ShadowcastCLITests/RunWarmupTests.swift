import ArgumentParser
import Foundation
import Testing
@testable import shadowcast
@testable import Shadowcast

@Suite("run --warmup: a send warm-up before the measured run, reported apart", .serialized)
struct RunWarmupTests {
    static let target = ["p.json", "--target", "http://127.0.0.1:8080"]

    @Test("--warmup is an open-model option and must be positive")
    func validation() throws {
        #expect(try RunCommand.parse(Self.target + ["--warmup", "2s"]).warmup?.duration == .seconds(2))
        #expect(throws: (any Error).self) { try RunCommand.parse(Self.target + ["--max", "--warmup", "1s"]) }
        #expect(throws: (any Error).self) { try RunCommand.parse(Self.target + ["--warmup", "0s"]) }
    }

    @Test("run --warmup sends the warm-up to the sink and reports it under 'warmup' and per_second, not in the run's figures")
    func endToEnd() async throws {
        let sink = try HTTPSink()
        defer { sink.stop() }
        let report = try await ExampleRun.report(against: sink, ["--rate", "200", "-c", "4", "-d", "1s", "--warmup", "500ms"])
        let warmup = try #require(report["warmup"] as? [String: Any])
        #expect(warmup["seconds"] as? Double == 0.5)
        let warmSent = warmup["sent"] as? Int ?? 0
        let warmLate = warmup["late"] as? Int ?? 0
        // 0.5 s at ~200/s (Poisson): about 100 requests, sent or counted late.
        #expect(warmSent + warmLate > 40 && warmSent + warmLate < 200)
        let sent = report["requests"] as? Int ?? 0
        let scheduled = report["scheduled"] as? Int ?? 0
        #expect(scheduled > 80 && scheduled < 400)
        // The sink answered the warm-up and the run; the run's figures hold the run's requests only.
        #expect(Int(sink.requestsAnswered) >= sent + warmSent - 8)
        #expect(Int(sink.requestsAnswered) > sent)
        let perSecond = try #require(report["per_second"] as? [[String: Any]])
        let warmPerSecond = perSecond.compactMap { $0["warmup_sent"] as? Int }
        #expect(warmPerSecond.count == perSecond.count)
        #expect(warmPerSecond.reduce(0, +) <= warmSent)
    }
}
