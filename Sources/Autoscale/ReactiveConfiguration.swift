/// Configuration of the reactive (HPA-like) policy. Defaults are Kubernetes' defaults.
public struct ReactiveConfiguration: Sendable, Hashable {
    /// Fewest replicas.
    public var minReplicas: Int
    /// Most replicas.
    public var maxReplicas: Int
    /// Ratios within `1 ± tolerance` cause no change (HPA default 0.1).
    public var tolerance: Double
    /// Scale-up rules.
    public var scaleUp: ScalingRules
    /// Scale-down rules.
    public var scaleDown: ScalingRules

    /// Creates a configuration.
    public init(
        minReplicas: Int = 1, maxReplicas: Int, tolerance: Double = 0.1,
        scaleUp: ScalingRules = .kubernetesScaleUp, scaleDown: ScalingRules = .kubernetesScaleDown
    ) {
        self.minReplicas = minReplicas
        self.maxReplicas = maxReplicas
        self.tolerance = tolerance
        self.scaleUp = scaleUp
        self.scaleDown = scaleDown
    }
}

/// One metric as the HPA sees it: the current per-replica average and its target.
public struct MetricObservation: Sendable, Hashable {
    /// Name for logs (`utilization`, `rps_per_instance`).
    public var name: String
    /// The current value (average per replica).
    public var value: Double
    /// The target value per replica.
    public var target: Double

    /// Creates an observation.
    public init(name: String, value: Double, target: Double) {
        self.name = name
        self.value = value
        self.target = target
    }
}
