import ArgumentParser
import Foundation
import Testing
@testable import shadowcast
@testable import Shadowcast

@Suite("shared report options")
struct ReportOptionsTests {
    @Test("thresholds, report folder and metrics port parse")
    func parses() throws {
        let options = try ReportOptions.parse(["--threshold", "p99<200ms", "--threshold", "errors<1%", "--metrics-port", "9464", "--report-dir", "/tmp/x"])
        #expect(options.thresholds.map(\.expression) == ["p99<200ms", "errors<1%"])
        #expect(options.metricsPort == 9464)
        #expect(options.reportDirectory == "/tmp/x")
    }

    @Test("a bad threshold or port is refused with the parser's explanation")
    func refuses() {
        do {
            _ = try ReportOptions.parse(["--threshold", "p99<200xs"])
            Issue.record("accepted a bad threshold")
        } catch {
            #expect(ReportOptions.message(for: error).contains("unknown latency unit 'xs'"))
        }
        #expect(throws: (any Error).self) { try ReportOptions.parse(["--metrics-port", "70000"]) }
    }

    @Test("a failed threshold writes the report and exits with code 99")
    func failedThresholdExitCode() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("report-options-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let options = try ReportOptions.parse(["--threshold", "p99<200ms", "--threshold", "errors<1%", "--report-dir", dir.path])
        var summary = RunSummary(meta: RunMeta(toolVersion: "test", command: ["shadowcast", "load"], started: Date(), ended: Date()))
        do {
            try options.finish(&summary, metrics: ThresholdMetrics(p99Ms: 412, errorRate: 0.001))
            Issue.record("expected a non-zero exit")
        } catch let code as ExitCode {
            #expect(code.rawValue == 99)
        }
        #expect(summary.thresholds.map(\.passed) == [false, true])
        let written = try SummaryCodec.read(from: dir.appendingPathComponent("shadowcast-report/summary.json"))
        #expect(written.thresholds.count == 2)
        try options.finish(&summary, metrics: ThresholdMetrics(p99Ms: 150, errorRate: 0.001))  // all pass: no throw
    }
}
