/// One step of a rate forecast, as the predictive policy needs it.
public struct RateForecastPoint: Sendable, Hashable {
    /// Start of the step (seconds, the caller's clock).
    public var time: Double
    /// The forecast's upper quantile of the request rate (req/s) for that step.
    public var upperRate: Double

    /// Creates a point.
    public init(time: Double, upperRate: Double) {
        self.time = time
        self.upperRate = upperRate
    }
}

/// Configuration of the predictive policy.
public struct PredictiveConfiguration: Sendable, Hashable {
    /// Requests per second one instance serves within the SLO (from Monitor's feedback).
    public var capacityPerInstance: Double
    /// Multiplier on the forecast (1.2 = 20% spare).
    public var headroom: Double
    /// How far ahead to provision (instance start-up time plus a buffer), in seconds.
    public var leadTime: Double
    /// Seconds the forecast must stay lower before replicas are removed.
    public var scaleDownDelay: Double
    /// Fewest replicas.
    public var minReplicas: Int
    /// Most replicas.
    public var maxReplicas: Int

    /// Creates a configuration.
    public init(
        capacityPerInstance: Double, headroom: Double = 1.2, leadTime: Double = 60, scaleDownDelay: Double = 300,
        minReplicas: Int = 1, maxReplicas: Int
    ) {
        self.capacityPerInstance = capacityPerInstance
        self.headroom = headroom
        self.leadTime = leadTime
        self.scaleDownDelay = scaleDownDelay
        self.minReplicas = minReplicas
        self.maxReplicas = maxReplicas
    }
}

/// The predictive policy: enough replicas for the forecast's upper quantile × headroom, for every
/// forecast step from now to `leadTime` ahead, so instances are up before the load arrives.
/// Scale-down waits until the need has been lower for `scaleDownDelay`.
public struct PredictivePolicy: Sendable {
    /// The configuration.
    public let configuration: PredictiveConfiguration
    private var needs: [(time: Double, replicas: Int)] = []

    /// Creates a policy.
    public init(configuration: PredictiveConfiguration) {
        self.configuration = configuration
    }

    /// Decides the replica count at `now` from the forecast.
    public mutating func decide(now: Double, currentReplicas current: Int, forecast: [RateForecastPoint]) -> ScaleDecision {
        let config = configuration
        // A step that started before `now` still covers `now`: include the latest one at or before it.
        let covering = forecast.last { $0.time <= now }
        let ahead = forecast.filter { $0.time > now && $0.time <= now + config.leadTime }
        let window = (covering.map { [$0] } ?? []) + ahead
        var inputs = [
            ScaleDecision.Input("current_replicas", Double(current)),
            ScaleDecision.Input("capacity_per_instance", config.capacityPerInstance),
            ScaleDecision.Input("headroom", config.headroom),
            ScaleDecision.Input("lead_time_s", config.leadTime),
        ]
        guard let peak = window.max(by: { $0.upperRate < $1.upperRate }), config.capacityPerInstance > 0 else {
            return ScaleDecision(time: now, policy: "predictive", currentReplicas: current, desiredReplicas: current,
                                 inputs: inputs, reason: "no forecast covers now..now+lead time; keeping \(current)")
        }
        inputs.append(ScaleDecision.Input("forecast_upper_rps", peak.upperRate))
        inputs.append(ScaleDecision.Input("forecast_peak_at", peak.time))
        let need = Int((peak.upperRate * config.headroom / config.capacityPerInstance - 1e-9).rounded(.up))
        let bounded = min(max(need, config.minReplicas), config.maxReplicas)
        needs.removeAll { $0.time <= now - config.scaleDownDelay }
        needs.append((now, bounded))
        var reason = "peak upper forecast \(String(format3: peak.upperRate)) req/s at t=\(ScaleDecision.format(peak.time)) x \(config.headroom) / \(String(format3: config.capacityPerInstance)) per instance = \(need)"
        if need != bounded { reason += "; bounded to \(bounded)" }
        var desired = bounded
        if bounded < current {
            let recent = needs.map(\.replicas).max() ?? bounded
            let held = min(current, recent)
            if held > bounded { reason += "; scale-down held at \(held) (need was higher within \(ScaleDecision.format(config.scaleDownDelay)) s)" }
            desired = max(bounded, held)
        }
        return ScaleDecision(time: now, policy: "predictive", currentReplicas: current, desiredReplicas: desired, inputs: inputs, reason: reason)
    }
}
