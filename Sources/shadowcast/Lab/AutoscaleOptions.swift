import ArgumentParser
import Autoscale
import Logging

/// The autoscaling options of `run` (`@OptionGroup var autoscale: AutoscaleOptions`), turned into
/// an `Autoscaler` by `makeAutoscaler`. Without `--autoscale`, no autoscaler is made.
struct AutoscaleOptions: ParsableArguments {
    enum Mode: String, ExpressibleByArgument, CaseIterable {
        case reactive, predictive
    }

    @Option(name: .long, help: "Scale the target while the run goes: reactive (HPA-like) or predictive (forecast-driven).")
    var autoscale: Mode?

    @Option(name: .long, help: "Command run on each change, e.g. 'kubectl scale deployment/web --replicas={replicas}' ({replicas}, {current}, {policy}).")
    var scaleHook: String?

    @Option(name: .long, help: "Webhook URL receiving each change as a JSON POST.")
    var scaleWebhook: String?

    @Option(name: .long, help: "Base URL of a Lab to scale through its admin endpoint.")
    var scaleLab: String?

    @Flag(name: .long, help: "Log scaling decisions without calling any hook.")
    var scaleDryRun = false

    @Option(name: .long, help: "Fewest replicas.")
    var minReplicas = 1

    @Option(name: .long, help: "Most replicas.")
    var maxReplicas = 20

    @Option(name: .long, help: "Reactive: target utilization in percent (HPA averageUtilization).")
    var targetUtilization = 70.0

    @Option(name: .long, help: "Reactive: scale-down stabilization window in seconds (HPA default 300).")
    var scaleDownWindow = 300.0

    @Option(name: .long, help: "Predictive: requests per second one instance serves within the SLO (from a knee or 'lab --simulate').")
    var capacityPerInstance: Double?

    @Option(name: .long, help: "Predictive: multiplier on the forecast's upper quantile.")
    var headroom = 1.2

    @Option(name: .long, help: "Predictive: seconds ahead to provision (instance start-up plus a buffer).")
    var leadTime = 60.0

    func validate() throws {
        guard minReplicas >= 0, maxReplicas >= max(1, minReplicas) else {
            throw ValidationError("--min-replicas must be >= 0 and <= --max-replicas (>= 1)")
        }
        guard targetUtilization > 0, scaleDownWindow >= 0, headroom > 0, leadTime >= 0 else {
            throw ValidationError("--target-utilization and --headroom must be > 0; --scale-down-window and --lead-time >= 0")
        }
        if autoscale == .predictive && (capacityPerInstance ?? 0) <= 0 {
            throw ValidationError("--autoscale predictive needs --capacity-per-instance > 0")
        }
        if autoscale == nil && (scaleHook != nil || scaleWebhook != nil || scaleLab != nil) {
            throw ValidationError("--scale-hook/--scale-webhook/--scale-lab need --autoscale reactive|predictive")
        }
        if let scaleHook { _ = try CommandHook(template: scaleHook) }
        for url in [scaleWebhook, scaleLab].compactMap({ $0 }) where !(url.hasPrefix("http://") || url.hasPrefix("https://")) {
            throw ValidationError("'\(url)' is not an http(s) URL")
        }
    }

    /// The hooks the options name.
    func hooks() throws -> [any ScaleHook] {
        var hooks: [any ScaleHook] = []
        if let scaleHook { hooks.append(try CommandHook(template: scaleHook)) }
        if let scaleWebhook { hooks.append(HTTPScaleHook.webhook(url: scaleWebhook)) }
        if let scaleLab { hooks.append(HTTPScaleHook.labAdmin(base: scaleLab)) }
        return hooks
    }

    /// The autoscaler, or `nil` without `--autoscale`. `extraHooks` come first (e.g. an in-process Lab).
    func makeAutoscaler(extraHooks: [any ScaleHook] = [], logger: Logger = Logger(label: "shadowcast.autoscale")) throws -> Autoscaler? {
        guard let autoscale else { return nil }
        let policy: ScalingPolicyChoice
        switch autoscale {
        case .reactive:
            var scaleDown = ScalingRules.kubernetesScaleDown
            scaleDown.stabilizationWindow = scaleDownWindow
            policy = .reactive(ReactiveConfiguration(minReplicas: minReplicas, maxReplicas: maxReplicas, scaleDown: scaleDown))
        case .predictive:
            policy = .predictive(PredictiveConfiguration(
                capacityPerInstance: capacityPerInstance ?? 1, headroom: headroom, leadTime: leadTime,
                minReplicas: minReplicas, maxReplicas: maxReplicas))
        }
        return Autoscaler(policy: policy, actuator: ScaleActuator(hooks: extraHooks + (try hooks()), dryRun: scaleDryRun, logger: logger))
    }

    /// The reactive policy's metric for a utilization reading (0…1).
    func utilizationMetric(_ utilization: Double) -> MetricObservation {
        MetricObservation(name: "utilization_percent", value: utilization * 100, target: targetUtilization)
    }
}
