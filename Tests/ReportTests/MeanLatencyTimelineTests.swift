import Foundation
import Testing
@testable import Report

/// `load` and `run` measure a mean latency per second but no per-second percentiles: the report
/// charts the mean and no flat zero lines; the JSON keeps `meanMs` and omits it when absent.
@Suite("mean-only latency timeline")
struct MeanLatencyTimelineTests {
    static func summary(meanOnly: Bool) -> RunSummary {
        let meta = RunMeta(toolVersion: "0.1.0", command: ["shadowcast", "load"],
                           started: Date(timeIntervalSince1970: 0), ended: Date(timeIntervalSince1970: 5))
        let samples = (0..<5).map { t in
            meanOnly
                ? SecondSample(t: Double(t), rate: 1000, p50Ms: 0, p99Ms: 0, errorRate: 0, meanMs: 2 + Double(t))
                : SecondSample(t: Double(t), rate: 1000, p50Ms: 1, p99Ms: 9, errorRate: 0)
        }
        return RunSummary(meta: meta, timeline: ComparisonTimeline(secondary: samples))
    }

    @Test("a mean-only timeline charts the mean, not zero percentiles")
    func chartsMean() {
        let html = ReportRenderer().render(Self.summary(meanOnly: true))
        #expect(html.contains("Mean latency per second"))
        #expect(html.contains("secondary mean"))
        #expect(!html.contains("secondary p99"))
        let percentiles = ReportRenderer().render(Self.summary(meanOnly: false))
        #expect(percentiles.contains("secondary p99") && !percentiles.contains("secondary mean"))
    }

    @Test("meanMs round-trips through summary.json and is omitted when absent")
    func codec() throws {
        let withMean = Self.summary(meanOnly: true)
        let data = try SummaryCodec.encode(withMean)
        #expect(try SummaryCodec.decode(data).timeline == withMean.timeline)
        let without = try SummaryCodec.encode(Self.summary(meanOnly: false))
        #expect(!String(decoding: without, as: UTF8.self).contains("meanMs"))
        #expect(String(decoding: data, as: UTF8.self).contains("\"meanMs\""))
    }
}
