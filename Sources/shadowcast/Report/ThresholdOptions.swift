import ArgumentParser
import Foundation
import Histogram
import Shadowcast

/// `--threshold EXPR` (repeatable) for `load` and `run`: pass/fail conditions checked at the end
/// of a run, so CI pipelines can gate on latency, errors, rate and late sends.
struct ThresholdOptions: ParsableArguments {
    /// Exit code of a run whose thresholds failed (the same as k6, so CI scripts carry over).
    static let exitCode: Int32 = 99

    @Option(name: .customLong("threshold"), parsing: .singleValue,
            help: ArgumentHelp("Pass/fail condition, repeatable: p99<200ms, p50<=20ms, errors<1%, rps>=1000, late<0.5%. A failed threshold exits with code \(ThresholdOptions.exitCode).",
                               valueName: "expr"),
            transform: { text in
                do { return try Threshold(parsing: text) } catch { throw ValidationError(String(describing: error)) }
            })
    var thresholds: [Threshold] = []

    /// Evaluates the thresholds, prints one line each (to standard error when the standard
    /// output carries JSON), and throws exit code 99 when any failed.
    @discardableResult
    func check(_ metrics: ThresholdMetrics, quietStandardOutput: Bool = false) throws -> [ThresholdOutcome] {
        let outcomes = thresholds.evaluate(metrics)
        for outcome in outcomes {
            let line = "threshold \(outcome.passed ? "ok  " : "FAIL") \(outcome.expression): \(outcome.message)\n"
            if quietStandardOutput { FileHandle.standardError.write(Data(line.utf8)) } else { print(line, terminator: "") }
        }
        if outcomes.contains(where: { !$0.passed }) { throw ExitCode(Self.exitCode) }
        return outcomes
    }
}

extension ThresholdMetrics {
    /// The figures thresholds read, from an emission result: latency percentiles in
    /// milliseconds from `latency` (default: the result's, measured from the intended send
    /// time), error rate, achieved rate and the share of late sends.
    init(_ result: EmissionResult, latency: Histogram<UInt64>? = nil) {
        let histogram = latency ?? result.latency
        func ms(_ percentile: Double) -> Double? {
            histogram.totalCount > 0 ? Double(histogram.valueAtPercentile(percentile)) / 1_000 : nil
        }
        self.init(
            p50Ms: ms(50), p90Ms: ms(90), p99Ms: ms(99), p999Ms: ms(99.9),
            maxMs: histogram.totalCount > 0 ? Double(histogram.max) / 1_000 : nil,
            errorRate: result.errorRate, rps: result.achievedRate,
            lateRate: result.sent > 0 ? Double(result.late) / Double(result.sent) : 0)
    }
}
