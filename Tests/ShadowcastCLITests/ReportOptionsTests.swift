import ArgumentParser
import Foundation
import Testing
@testable import shadowcast
@testable import Shadowcast

@Suite("--report-dir on load and run")
struct ReportOptionsTests {
    @Test("the verbs accept --report-dir; an empty folder name is refused")
    func parses() throws {
        #expect(try LoadCommand.parse(["http://127.0.0.1:8080/", "--report-dir", "/tmp/x"]).report.directory == "/tmp/x")
        #expect(try RunCommand.parse(["p.json", "--target", "http://127.0.0.1:8080", "--report-dir", "out"]).report.directory == "out")
        #expect(try LoadCommand.parse(["http://127.0.0.1:8080/"]).report.directory == nil)
        #expect(throws: (any Error).self) { try LoadCommand.parse(["http://127.0.0.1:8080/", "--report-dir", ""]) }
    }

    @Test("a short load against a loopback sink with --report-dir writes index.html and a summary.json that decodes")
    func loadWritesReport() async throws {
        let sink = try HTTPSink(threads: 1)
        defer { sink.stop() }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("load-report-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let json = dir.appendingPathComponent("load.json")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let command = try LoadCommand.parse([
            "http://127.0.0.1:\(sink.port)/items?page=2", "--rate", "800", "--duration", "1500ms", "-c", "4",
            "--report-dir", dir.appendingPathComponent("report").path, "--threshold", "errors<50%", "--json", json.path,
        ])
        try await command.run()

        let summary = try SummaryCodec.read(from: dir.appendingPathComponent("report/summary.json"))
        let html = try String(contentsOf: dir.appendingPathComponent("report/index.html"), encoding: .utf8)
        let requests = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [String: Any])["requests"] as? Int
        #expect(summary.meta.targets.map(\.url) == ["http://127.0.0.1:\(sink.port)/items?page=2"])
        #expect(summary.routes.map(\.route) == ["GET /items"])
        #expect(summary.routes.first?.requests == requests)      // the same run as --json reports
        #expect((requests ?? 0) > 600)                            // 800/s for 1.5 s on loopback
        #expect(!summary.timeline.secondary.isEmpty)
        #expect(summary.timeline.secondary.contains { ($0.meanMs ?? 0) > 0 && $0.rate > 0 })
        #expect(summary.latency.secondary.count == LatencyDistribution.recommendedPercentiles.count)
        #expect(summary.thresholds.map(\.passed) == [true])
        #expect(summary.findings.contains { $0.sentence.contains("800 offered") })
        #expect(html.contains("<svg") && html.contains("Mean latency per second"))
    }
}
