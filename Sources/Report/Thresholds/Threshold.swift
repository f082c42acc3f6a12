import Foundation

/// A pass/fail condition on a run's result, as given to `--threshold`, e.g. `p99<200ms`,
/// `p50<=20ms`, `errors<1%`, `rps>=1000`, `late<0.5%`.
///
/// Grammar: `metric op value [unit]`, spaces allowed between the parts.
/// - metric: `p50`, `p90`, `p99`, `p999` (or `p99.9`), `max`, `errors` (`error_rate`),
///   `rps` (`rate`), `late`;
/// - op: `<`, `<=`, `>`, `>=`;
/// - latency units: `us`/`µs`, `ms` (the default), `s`; rates: `%` or a plain fraction
///   (`errors<0.01`); throughput: none, `rps` or `/s`.
///
/// A failed threshold makes `load`/`run` exit non-zero so CI pipelines can gate on it.
public struct Threshold: Sendable, Equatable, CustomStringConvertible {
    /// What a threshold reads.
    public enum Metric: String, Sendable, CaseIterable {
        case p50, p90, p99, p999, max, errors, rps, late

        /// How its values are measured.
        public enum Kind: Sendable { case latency, fraction, throughput }

        /// How its values are measured.
        public var kind: Kind {
            switch self {
            case .p50, .p90, .p99, .p999, .max: .latency
            case .errors, .late: .fraction
            case .rps: .throughput
            }
        }

        static let aliases: [String: Metric] = [
            "p50": .p50, "median": .p50, "p90": .p90, "p99": .p99, "p999": .p999, "p99.9": .p999,
            "max": .max, "errors": .errors, "error": .errors, "error_rate": .errors, "err": .errors,
            "rps": .rps, "rate": .rps, "throughput": .rps, "late": .late, "late_rate": .late,
        ]

        /// Whether its label is a plural noun ("errors were", "p99 was").
        var isPlural: Bool { self == .errors || self == .late }

        /// How it reads in messages.
        var label: String {
            switch self {
            case .p999: "p99.9"
            case .errors: "errors"
            case .late: "late requests"
            default: rawValue
            }
        }
    }

    /// A comparison.
    public enum Comparison: String, Sendable, CaseIterable {
        case less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="

        func holds(_ observed: Double, _ limit: Double) -> Bool {
            switch self {
            case .less: observed < limit
            case .lessOrEqual: observed <= limit
            case .greater: observed > limit
            case .greaterOrEqual: observed >= limit
            }
        }
    }

    /// The metric read.
    public var metric: Metric
    /// The comparison.
    public var comparison: Comparison
    /// The limit in the metric's base unit: milliseconds, a fraction, or per second.
    public var limit: Double
    /// The expression as written.
    public var expression: String

    /// Creates a threshold directly (limit in milliseconds, fraction or per second).
    public init(metric: Metric, comparison: Comparison, limit: Double) {
        self.metric = metric
        self.comparison = comparison
        self.limit = limit
        self.expression = "\(metric.rawValue)\(comparison.rawValue)\(Self.format(limit, metric.kind))"
    }

    /// Parses an expression such as `p99<200ms`; the error says what is wrong and where.
    public init(parsing text: String) throws(ThresholdParseError) {
        var parser = ThresholdParser(text)
        self = try parser.parse()
    }

    public var description: String { expression }

    /// Checks the threshold against measured figures.
    public func evaluate(_ metrics: ThresholdMetrics) -> ThresholdOutcome {
        guard let observed = metrics[metric], !observed.isNaN else {
            return ThresholdOutcome(expression: expression, passed: false, observed: nil,
                                    message: "\(metric.label) was not measured, so \(expression) cannot hold")
        }
        let passed = comparison.holds(observed, limit)
        let measured = Self.format(observed, metric.kind)
        let limitText = Self.format(limit, metric.kind)
        return ThresholdOutcome(expression: expression, passed: passed, observed: observed,
                                message: "\(metric.label) \(metric.isPlural ? "were" : "was") \(measured), limit \(comparison.rawValue) \(limitText)")
    }

    /// A value in its unit, for messages: `412 ms`, `0.42%`, `1,250 rps`.
    static func format(_ value: Double, _ kind: Metric.Kind) -> String {
        switch kind {
        case .latency: NumberFormat.latency(value)
        case .fraction: NumberFormat.percent(value)
        case .throughput: NumberFormat.trimmed(value) + " rps"
        }
    }
}

extension Array where Element == Threshold {
    /// Evaluates every threshold; the run passes when all outcomes passed.
    public func evaluate(_ metrics: ThresholdMetrics) -> [ThresholdOutcome] {
        map { $0.evaluate(metrics) }
    }
}
