/// Whether one `--threshold` held during the run.
public struct ThresholdOutcome: Codable, Sendable, Equatable {
    /// The expression as given, e.g. `p99<200ms`.
    public var expression: String
    /// Whether it held.
    public var passed: Bool
    /// The measured value, in the threshold's unit (ms, fraction or per second).
    public var observed: Double?
    /// Sentence explaining the result.
    public var message: String

    /// Creates an outcome.
    public init(expression: String, passed: Bool, observed: Double?, message: String) {
        self.expression = expression
        self.passed = passed
        self.observed = observed
        self.message = message
    }
}
