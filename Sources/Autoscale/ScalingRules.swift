/// One rate limit on scaling, as in a Kubernetes HPA `behavior` policy.
public struct ScalingPolicy: Sendable, Hashable {
    /// What `value` counts.
    public enum Kind: String, Sendable, Hashable {
        /// A number of replicas.
        case pods
        /// A percentage of the replicas at the start of the period.
        case percent
    }

    /// Pods or percent.
    public var kind: Kind
    /// How many pods, or what percentage.
    public var value: Int
    /// The period the limit applies to, in seconds.
    public var periodSeconds: Double

    /// Creates a policy.
    public init(_ kind: Kind, value: Int, periodSeconds: Double) {
        self.kind = kind
        self.value = value
        self.periodSeconds = periodSeconds
    }
}

/// The rules for one direction of scaling (HPA `scaleUp` / `scaleDown`).
public struct ScalingRules: Sendable, Hashable {
    /// How several policies combine (HPA `selectPolicy`).
    public enum Select: String, Sendable, Hashable {
        /// The policy allowing the largest change.
        case max
        /// The policy allowing the smallest change.
        case min
        /// No scaling in this direction.
        case disabled
    }

    /// Seconds of past recommendations considered (HPA `stabilizationWindowSeconds`).
    public var stabilizationWindow: Double
    /// Rate limits.
    public var policies: [ScalingPolicy]
    /// How the policies combine.
    public var select: Select

    /// Creates rules.
    public init(stabilizationWindow: Double, policies: [ScalingPolicy], select: Select = .max) {
        self.stabilizationWindow = stabilizationWindow
        self.policies = policies
        self.select = select
    }

    /// Kubernetes' default scale-up: no stabilization; double or add 4 pods per 15 s, whichever is more.
    public static let kubernetesScaleUp = ScalingRules(
        stabilizationWindow: 0,
        policies: [ScalingPolicy(.percent, value: 100, periodSeconds: 15), ScalingPolicy(.pods, value: 4, periodSeconds: 15)],
        select: .max)

    /// Kubernetes' default scale-down: 300 s stabilization; up to 100% of pods per 15 s.
    public static let kubernetesScaleDown = ScalingRules(
        stabilizationWindow: 300, policies: [ScalingPolicy(.percent, value: 100, periodSeconds: 15)], select: .max)
}
