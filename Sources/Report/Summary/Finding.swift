/// A conclusion of the run, said in one plain sentence with the numbers behind it.
public struct Finding: Codable, Sendable, Equatable {
    /// How much it matters.
    public enum Severity: String, Codable, Sendable, Equatable, Comparable, CaseIterable {
        /// Worth knowing.
        case info
        /// Degrades the service under the forecast load.
        case warning
        /// Breaks the service under the forecast load.
        case critical

        var rank: Int {
            switch self {
            case .info: 0
            case .warning: 1
            case .critical: 2
            }
        }

        public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
    }

    /// How much it matters.
    public var severity: Severity
    /// The finding, e.g. "POST /checkout saturates at 1,850 rps: p99 rises from 40 ms to 900 ms".
    public var sentence: String
    /// The numbers the sentence rests on, in the order to show them.
    public var numbers: [FindingNumber]

    /// Creates a finding.
    public init(severity: Severity, sentence: String, numbers: [FindingNumber] = []) {
        self.severity = severity
        self.sentence = sentence
        self.numbers = numbers
    }
}

/// A named number behind a finding.
public struct FindingNumber: Codable, Sendable, Equatable {
    /// What it is, e.g. `p99 at saturation`.
    public var name: String
    /// The value.
    public var value: Double
    /// Its unit, e.g. `ms`, `rps`, `%` (free text).
    public var unit: String

    /// Creates a number.
    public init(name: String, value: Double, unit: String = "") {
        self.name = name
        self.value = value
        self.unit = unit
    }
}
