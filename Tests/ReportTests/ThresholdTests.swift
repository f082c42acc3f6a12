import Foundation
import Testing
@testable import Report

@Suite("thresholds")
struct ThresholdTests {
    @Test("expressions parse into metric, comparison and limit in base units",
          arguments: [
            ("p99<200ms", Threshold.Metric.p99, Threshold.Comparison.less, 200.0),
            ("p50<=20ms", .p50, .lessOrEqual, 20),
            ("errors<1%", .errors, .less, 0.01),
            ("rps>=1000", .rps, .greaterOrEqual, 1000),
            ("late<0.5%", .late, .less, 0.005),
            (" p99.9 < 1.5 s ", .p999, .less, 1500),
            ("p90<250us", .p90, .less, 0.25),
            ("max<2s", .max, .less, 2000),
            ("error_rate<0.02", .errors, .less, 0.02),
            ("rate>1_500", .rps, .greater, 1500),
            ("p99<80", .p99, .less, 80),
          ])
    func parses(text: String, metric: Threshold.Metric, comparison: Threshold.Comparison, limit: Double) throws {
        let threshold = try Threshold(parsing: text)
        #expect(threshold.metric == metric)
        #expect(threshold.comparison == comparison)
        #expect(abs(threshold.limit - limit) < 1e-9)
        #expect(threshold.expression == text.trimmingCharacters(in: .whitespaces))
    }

    @Test("bad expressions say what is wrong and where",
          arguments: [
            ("", 0, "empty"),
            ("p98<200ms", 0, "unknown metric 'p98'"),
            ("p99 200ms", 4, "expected a comparison"),
            ("p99=<200ms", 3, "unknown comparison '=<'"),
            ("p99<ms", 4, "expected a number"),
            ("p99<200xs", 7, "unknown latency unit 'xs'"),
            ("errors<5", 7, "not a fraction"),
            ("errors<150%", 7, "more than 100%"),
            ("rps>10ms", 6, "unknown unit 'ms' for rps"),
            ("p99<1.2.3ms", 4, "not a number"),
          ])
    func parseErrors(text: String, offset: Int, reason: String) {
        do {
            _ = try Threshold(parsing: text)
            Issue.record("'\(text)' parsed")
        } catch {
            #expect(error.offset == offset, "\(error)")
            #expect(error.reason.contains(reason), "\(error)")
            #expect(error.description.contains("character \(offset + 1)"))
        }
    }

    @Test("thresholds pass and fail on the measured values, with messages")
    func evaluation() throws {
        let metrics = ThresholdMetrics(p50Ms: 12, p90Ms: 40, p99Ms: 412, p999Ms: 900, maxMs: 1800, errorRate: 0.0042, rps: 2400, lateRate: 0.01)
        let p99 = try Threshold(parsing: "p99<200ms").evaluate(metrics)
        #expect(!p99.passed)
        #expect(p99.observed == 412)
        #expect(p99.message == "p99 was 412 ms, limit < 200 ms")
        let errors = try Threshold(parsing: "errors<1%").evaluate(metrics)
        #expect(errors.passed)
        #expect(errors.message == "errors were 0.42%, limit < 1%")
        #expect(try Threshold(parsing: "rps>=2400").evaluate(metrics).passed)
        #expect(try !Threshold(parsing: "rps>2400").evaluate(metrics).passed)
        #expect(try !Threshold(parsing: "late<0.5%").evaluate(metrics).passed)
        #expect(try Threshold(parsing: "p50<=12ms").evaluate(metrics).passed)
        #expect(try Threshold(parsing: "max<2s").evaluate(metrics).passed)
    }

    @Test("a threshold on a figure that was not measured fails")
    func unmeasured() throws {
        let outcome = try Threshold(parsing: "late<1%").evaluate(ThresholdMetrics(p99Ms: 5))
        #expect(!outcome.passed && outcome.observed == nil)
        #expect(outcome.message.contains("not measured"))
        #expect(try !Threshold(parsing: "p99<1s").evaluate(ThresholdMetrics(p99Ms: .nan)).passed)
    }

    @Test("a list of thresholds is evaluated in order")
    func list() throws {
        let outcomes = try ["p99<200ms", "errors<1%"].map { try Threshold(parsing: $0) }.evaluate(ThresholdMetrics(p99Ms: 150, errorRate: 0.02))
        #expect(outcomes.map(\.passed) == [true, false])
    }
}
