/// One scaling decision with everything it was based on, for the log and the report.
public struct ScaleDecision: Sendable, Hashable, CustomStringConvertible {
    /// A named input of the decision.
    public struct Input: Sendable, Hashable {
        /// Name (`utilization`, `forecast_upper_rps`).
        public var name: String
        /// Value.
        public var value: Double

        /// Creates an input.
        public init(_ name: String, _ value: Double) {
            self.name = name
            self.value = value
        }
    }

    /// When (seconds, the caller's clock).
    public var time: Double
    /// Which policy decided (`reactive`, `predictive`).
    public var policy: String
    /// Replicas before.
    public var currentReplicas: Int
    /// Replicas wanted.
    public var desiredReplicas: Int
    /// What the decision saw.
    public var inputs: [Input]
    /// Why, in words (the limiting rule when one applied).
    public var reason: String

    /// Creates a decision.
    public init(time: Double, policy: String, currentReplicas: Int, desiredReplicas: Int, inputs: [Input], reason: String) {
        self.time = time
        self.policy = policy
        self.currentReplicas = currentReplicas
        self.desiredReplicas = desiredReplicas
        self.inputs = inputs
        self.reason = reason
    }

    /// Whether the decision changes the replica count.
    public var changesReplicas: Bool { desiredReplicas != currentReplicas }

    /// The value of an input by name.
    public func input(_ name: String) -> Double? { inputs.first { $0.name == name }?.value }

    public var description: String {
        let values = inputs.map { "\($0.name)=\(Self.format($0.value))" }.joined(separator: " ")
        return "t=\(Self.format(time)) \(policy): \(currentReplicas) -> \(desiredReplicas) (\(reason)) [\(values)]"
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e12 ? String(Int64(value)) : String(format3: value)
    }
}

extension String {
    init(format3 value: Double) {
        let scaled = (value * 1000).rounded() / 1000
        self = "\(scaled)"
    }
}
