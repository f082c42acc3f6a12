/// One thing Monitor found, as a short sentence with the numbers behind it.
public struct Finding: Sendable, Hashable, Codable, CustomStringConvertible {
    /// What kind of finding.
    public enum Kind: String, Sendable, Hashable, Codable {
        case latencyRegression = "latency_regression"
        case errorRegression = "error_regression"
        case improvement
        case loadMismatch = "load_mismatch"
        case bottleneckRanking = "bottleneck_ranking"
        case capacityKnee = "capacity_knee"
        case saturation
        case noRegression = "no_regression"
        case sloViolation = "slo_violation"
        case insufficientData = "insufficient_data"
    }

    /// How much it matters.
    public enum Severity: String, Sendable, Hashable, Codable, Comparable {
        case info, warning, critical
        public static func < (a: Severity, b: Severity) -> Bool {
            let order: [Severity] = [.info, .warning, .critical]
            return order.firstIndex(of: a)! < order.firstIndex(of: b)!
        }
    }

    /// The kind.
    public var kind: Kind
    /// The severity.
    public var severity: Severity
    /// The route concerned, if one.
    public var route: String?
    /// The sentence.
    public var message: String

    /// Creates a finding.
    public init(kind: Kind, severity: Severity, route: String? = nil, message: String) {
        self.kind = kind
        self.severity = severity
        self.route = route
        self.message = message
    }

    public var description: String { "[\(severity.rawValue)] \(message)" }
}

/// Number formatting for findings.
enum Format {
    static func ms(_ value: Double) -> String {
        if value >= 100 { return "\(Int(value.rounded())) ms" }
        return "\(fixed(value, value >= 10 ? 1 : 2)) ms"
    }

    static func ratio(_ value: Double) -> String { "\(fixed(value, 2))×" }

    static func percent(_ value: Double) -> String { "\(fixed(value * 100, value < 0.1 ? 2 : 1))%" }

    static func rate(_ value: Double) -> String { value >= 100 ? "\(Int(value.rounded())) req/s" : "\(fixed(value, 1)) req/s" }

    static func p(_ value: Double) -> String { value < 0.001 ? "p < 0.001" : "p = \(fixed(value, 3))" }

    static func fixed(_ value: Double, _ digits: Int) -> String {
        guard value.isFinite else { return "\(value)" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let rounded = (abs(value) * scale).rounded() / scale
        let whole = Int(rounded)
        var fraction = String(Int(((rounded - Double(whole)) * scale).rounded()))
        while fraction.count < digits { fraction = "0" + fraction }
        return (value < 0 && rounded != 0 ? "-" : "") + (digits > 0 ? "\(whole).\(fraction)" : "\(whole)")
    }
}
