import ArgumentParser
import Foundation
import Testing
@testable import shadowcast
@testable import Shadowcast

@Suite("--report-dir on load, run and shadow")
struct ReportOptionsTests {
    @Test("the verbs accept --report-dir; an empty folder name is refused")
    func parses() throws {
        #expect(try LoadCommand.parse(["http://127.0.0.1:8080/", "--report-dir", "/tmp/x"]).report.directory == "/tmp/x")
        #expect(try RunCommand.parse(["p.json", "--target", "http://127.0.0.1:8080", "--report-dir", "out"]).report.directory == "out")
        #expect(try LoadCommand.parse(["http://127.0.0.1:8080/"]).report.directory == nil)
        #expect(throws: (any Error).self) { try LoadCommand.parse(["http://127.0.0.1:8080/", "--report-dir", ""]) }
    }

    @Test("shadow takes --report-dir, and refuses it with --no-records (the report is built from the records)")
    func shadowParses() throws {
        let base = ["--listen", "127.0.0.1:0", "--primary", "http://127.0.0.1:8080", "--secondary", "http://127.0.0.1:8081"]
        #expect(try ShadowCommand.parse(base + ["--report-dir", "out"]).report.directory == "out")
        #expect(try ShadowCommand.parse(base).report.directory == nil)
        #expect(throws: (any Error).self) { try ShadowCommand.parse(base + ["--report-dir", "out", "--no-records"]) }
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
            "http://127.0.0.1:\(sink.port)/items?page=2", "--rate", "500", "--duration", "3s", "-c", "4",
            "--report-dir", dir.appendingPathComponent("report").path, "--threshold", "errors<50%", "--json", json.path,
        ])
        try await command.run()

        let summary = try SummaryCodec.read(from: dir.appendingPathComponent("report/summary.json"))
        let html = try String(contentsOf: dir.appendingPathComponent("report/index.html"), encoding: .utf8)
        let document = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [String: Any])
        let requests = document["requests"] as? Int
        #expect(summary.meta.targets.map(\.url) == ["http://127.0.0.1:\(sink.port)/items?page=2"])
        #expect(summary.routes.map(\.route) == ["GET /items"])
        #expect(summary.routes.first?.requests == requests)      // the same run as --json reports
        #expect((requests ?? 0) > 1000)                           // 500/s for 3 s on loopback
        // One timeline sample per live snapshot (a starved test machine may deliver none in 3 s).
        #expect(summary.timeline.secondary.count == (document["per_second"] as? [Any])?.count)
        #expect(summary.timeline.secondary.allSatisfy { $0.meanMs != nil || $0.rate == 0 })
        #expect(summary.latency.secondary.count == LatencyDistribution.recommendedPercentiles.count)
        #expect(summary.thresholds.map(\.passed) == [true])
        #expect(summary.findings.contains { $0.sentence.contains("500 offered") })
        #expect(html.contains("<svg"))
    }

    @Test("a live snapshot becomes a timeline sample with its rate, error share and mean latency")
    func snapshotSample() throws {
        let json = """
            {"elapsedSeconds": 3.0, "sent": 3000, "completed": 2990, "late": 4, "errors": {"refused": 0, "reset": 0, "timeout": 10,
             "closedEarly": 0, "parse": 0, "other": 0}, "intervalCompleted": 990, "intervalSent": 1000, "intervalErrors": 10,
             "intervalSeconds": 1.0, "intervalMeanLatencyMicros": 1500}
            """
        let snapshot = try JSONDecoder().decode(EmissionSnapshot.self, from: Data(json.utf8))
        let sample = EmissionRunSummary.sample(snapshot)
        #expect(sample.t == 2 && sample.rate == 990 && sample.errorRate == 0.01 && sample.meanMs == 1.5)
        #expect(!sample.hasPercentiles)
    }
}
