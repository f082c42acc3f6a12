/// The reactive policy: Kubernetes' Horizontal Pod Autoscaler algorithm as a state machine.
///
/// Per metric, `desired = ceil(current × value / target)`, unless `|value/target − 1| ≤ tolerance`
/// (then `current`); the largest over metrics wins. Then, as the HPA controller does
/// (`stabilizeRecommendationWithBehaviors`, `convertDesiredReplicasWithBehaviorRate`):
/// recommendations are stabilized over the scale-up window (the lowest recent one) and the
/// scale-down window (the highest recent one); the change is limited by the policies of its
/// direction, counting the scale events already made within each policy's period; and the result
/// is kept within min/max. The first call seeds the history with the current count, so a new
/// policy does not scale down before the down window has passed (as the HPA does).
public struct ReactivePolicy: Sendable {
    struct Recommendation: Sendable { var time: Double; var replicas: Int }
    struct ScaleEvent: Sendable { var time: Double; var change: Int }

    /// The configuration.
    public let configuration: ReactiveConfiguration
    private var recommendations: [Recommendation] = []
    private var scaleUpEvents: [ScaleEvent] = []
    private var scaleDownEvents: [ScaleEvent] = []
    private var initialized = false

    /// Creates a policy.
    public init(configuration: ReactiveConfiguration) {
        self.configuration = configuration
    }

    /// Decides the replica count at `now` (seconds) from the current count and metrics, and
    /// records the decision as if it were carried out.
    public mutating func decide(now: Double, currentReplicas current: Int, metrics: [MetricObservation]) -> ScaleDecision {
        let config = configuration
        var inputs = metrics.flatMap { [ScaleDecision.Input($0.name, $0.value), ScaleDecision.Input("\($0.name)_target", $0.target)] }
        inputs.append(ScaleDecision.Input("current_replicas", Double(current)))
        func decision(_ desired: Int, _ reason: String) -> ScaleDecision {
            record(now: now, from: current, to: desired)
            return ScaleDecision(time: now, policy: "reactive", currentReplicas: current, desiredReplicas: desired, inputs: inputs, reason: reason)
        }

        if current == 0 && config.minReplicas > 0 {
            return ScaleDecision(time: now, policy: "reactive", currentReplicas: 0, desiredReplicas: 0, inputs: inputs,
                                 reason: "scaling disabled: current replicas are 0")
        }
        if current > config.maxReplicas { return decision(config.maxReplicas, "current above max replicas") }
        if current < config.minReplicas { return decision(config.minReplicas, "current below min replicas") }

        // 1. Raw recommendation from the metrics.
        var raw = current
        var rawReason = "no metrics"
        for metric in metrics where metric.target > 0 && metric.value.isFinite {
            let ratio = metric.value / metric.target
            let proposal = abs(ratio - 1) <= config.tolerance ? current : Int((Double(current) * ratio).rounded(.up))
            if rawReason == "no metrics" || proposal > raw {
                raw = proposal
                rawReason = abs(ratio - 1) <= config.tolerance
                    ? "\(metric.name) ratio \(String(format3: ratio)) within tolerance"
                    : "\(metric.name) ratio \(String(format3: ratio)) -> ceil(\(current) x \(String(format3: ratio))) = \(proposal)"
            }
        }
        inputs.append(ScaleDecision.Input("raw_recommendation", Double(raw)))

        // 2. Stabilization.
        if !initialized {
            initialized = true
            recommendations.append(Recommendation(time: now, replicas: current))
        }
        let upCutoff = now - config.scaleUp.stabilizationWindow
        let downCutoff = now - config.scaleDown.stabilizationWindow
        var up = raw, down = raw
        for past in recommendations {
            if past.time > upCutoff { up = min(up, past.replicas) }
            if past.time > downCutoff { down = max(down, past.replicas) }
        }
        recommendations.removeAll { $0.time <= upCutoff && $0.time <= downCutoff }
        recommendations.append(Recommendation(time: now, replicas: raw))
        var stabilized = current
        if stabilized < up { stabilized = up }
        if stabilized > down { stabilized = down }
        var reason = rawReason
        if stabilized != raw {
            reason += "; stabilized to \(stabilized) (\(stabilized > raw ? "scale-down" : "scale-up") window)"
        }

        // 3. Rate limits and bounds.
        if stabilized > current {
            var limit = scaleUpLimit(now: now, current: current)
            if limit < current { limit = current }
            let maximum = min(config.maxReplicas, limit)
            if stabilized > maximum {
                reason += config.maxReplicas > limit ? "; limited by scale-up policy to \(maximum)" : "; capped at max replicas \(maximum)"
                stabilized = maximum
            }
        } else if stabilized < current {
            var limit = scaleDownLimit(now: now, current: current)
            if limit > current { limit = current }
            let minimum = max(config.minReplicas, limit)
            if stabilized < minimum {
                reason += config.minReplicas < limit ? "; limited by scale-down policy to \(minimum)" : "; floored at min replicas \(minimum)"
                stabilized = minimum
            }
        }
        stabilized = min(max(stabilized, config.minReplicas), config.maxReplicas)
        return decision(stabilized, reason)
    }

    private mutating func record(now: Double, from current: Int, to desired: Int) {
        let longest = (configuration.scaleUp.policies + configuration.scaleDown.policies).map(\.periodSeconds).max() ?? 0
        scaleUpEvents.removeAll { $0.time <= now - longest }
        scaleDownEvents.removeAll { $0.time <= now - longest }
        if desired > current { scaleUpEvents.append(ScaleEvent(time: now, change: desired - current)) }
        if desired < current { scaleDownEvents.append(ScaleEvent(time: now, change: current - desired)) }
    }

    private func change(in events: [ScaleEvent], period: Double, now: Double) -> Int {
        events.reduce(0) { $0 + ($1.time > now - period ? $1.change : 0) }
    }

    private func scaleUpLimit(now: Double, current: Int) -> Int {
        let rules = configuration.scaleUp
        if rules.select == .disabled { return current }
        var result = rules.select == .min ? Int.max : Int.min
        for policy in rules.policies {
            let added = change(in: scaleUpEvents, period: policy.periodSeconds, now: now)
            let removed = change(in: scaleDownEvents, period: policy.periodSeconds, now: now)
            let start = current - added + removed
            let proposed = policy.kind == .pods
                ? start + policy.value
                : Int((Double(start) * (1 + Double(policy.value) / 100)).rounded(.up))
            result = rules.select == .min ? min(result, proposed) : max(result, proposed)
        }
        return rules.policies.isEmpty ? Int.max : result
    }

    private func scaleDownLimit(now: Double, current: Int) -> Int {
        let rules = configuration.scaleDown
        if rules.select == .disabled { return current }
        var result = rules.select == .min ? Int.min : Int.max
        for policy in rules.policies {
            let added = change(in: scaleUpEvents, period: policy.periodSeconds, now: now)
            let removed = change(in: scaleDownEvents, period: policy.periodSeconds, now: now)
            let start = current + removed - added
            let proposed = policy.kind == .pods
                ? start - policy.value
                : Int((Double(start) * (1 - Double(policy.value) / 100)).rounded(.towardZero))
            result = rules.select == .min ? max(result, proposed) : min(result, proposed)
        }
        return rules.policies.isEmpty ? Int.min : result
    }
}
