/// Which policy an `Autoscaler` runs.
public enum ScalingPolicyChoice: Sendable {
    /// HPA-like, on observed metrics.
    case reactive(ReactiveConfiguration)
    /// Forecast-driven, a lead time ahead.
    case predictive(PredictiveConfiguration)
}

/// What the autoscaler sees at one tick.
public struct AutoscalerInput: Sendable {
    /// Seconds (the run's clock).
    public var now: Double
    /// Replicas now.
    public var currentReplicas: Int
    /// Observed metrics (for the reactive policy).
    public var metrics: [MetricObservation]
    /// Forecast (for the predictive policy).
    public var forecast: [RateForecastPoint]

    /// Creates an input.
    public init(now: Double, currentReplicas: Int, metrics: [MetricObservation] = [], forecast: [RateForecastPoint] = []) {
        self.now = now
        self.currentReplicas = currentReplicas
        self.metrics = metrics
        self.forecast = forecast
    }
}

/// A policy plus the actuator that logs and applies its decisions: one `tick` per control period.
public actor Autoscaler {
    private var reactive: ReactivePolicy?
    private var predictive: PredictivePolicy?
    private let actuator: ScaleActuator
    /// Every decision made so far, with the hooks' outcomes (for the report).
    public private(set) var history: [(decision: ScaleDecision, outcomes: [HookOutcome])] = []

    /// Creates an autoscaler.
    public init(policy: ScalingPolicyChoice, actuator: ScaleActuator) {
        switch policy {
        case .reactive(let configuration): reactive = ReactivePolicy(configuration: configuration)
        case .predictive(let configuration): predictive = PredictivePolicy(configuration: configuration)
        }
        self.actuator = actuator
    }

    /// Decides, logs, and (unless dry-run or no change) applies through the hooks. Never throws:
    /// hook failures are in the outcomes.
    @discardableResult
    public func tick(_ input: AutoscalerInput) async -> ScaleDecision {
        let decision: ScaleDecision
        if var policy = reactive {
            decision = policy.decide(now: input.now, currentReplicas: input.currentReplicas, metrics: input.metrics)
            reactive = policy
        } else if var policy = predictive {
            decision = policy.decide(now: input.now, currentReplicas: input.currentReplicas, forecast: input.forecast)
            predictive = policy
        } else {
            decision = ScaleDecision(time: input.now, policy: "none", currentReplicas: input.currentReplicas,
                                     desiredReplicas: input.currentReplicas, inputs: [], reason: "no policy")
        }
        let outcomes = await actuator.handle(decision)
        history.append((decision, outcomes))
        return decision
    }
}
