import Foundation
import Shadowcast

extension RunCommand {
    /// `--report-dir`: the HTML report and summary.json of this run (clean-request latency,
    /// faults, scenario events and scaling actions included).
    func writeReport(_ result: EmissionResult, started: Date, options: SynthesisOptions, plan: RatePlan, stats: SynthesisStats, scaling history: [(decision: ScaleDecision, outcomes: [HookOutcome])]) throws {
        guard report.directory != nil else { return }
        let clean = RunReport.cleanLatency(result).latency
        var events: [Report.ScenarioEvent] = []
        if let scenario = options.scenario {
            for event in scenario.events {
                events.append(.init(t: event.start, name: "\(scenario.name): \(event.name) starts", detail: event.ramp > 0 ? "ramp over \(Int(event.ramp)) s" : ""))
                events.append(.init(t: event.end, name: "\(scenario.name): \(event.name) ends"))
            }
        }
        let scaling = history.filter { $0.decision.changesReplicas }.map { entry in
            let outcome = entry.outcomes.first
            return ScalingAction(
                t: entry.decision.time, from: entry.decision.currentReplicas, to: entry.decision.desiredReplicas,
                policy: entry.decision.policy, reason: entry.decision.reason,
                hook: HookResult(succeeded: outcome?.succeeded ?? false, message: outcome.map { o in
                    o.succeeded ? "\(o.hook): applied" : "\(o.hook): \(o.error ?? "failed")"
                } ?? "no hook ran"))
        }
        // The closed model (--max) offers no rate of its own: it sends as fast as it is answered.
        let offered = maxRate ? nil : plan.expectedRequests / Double(options.shard.count) / max(options.durationSeconds, 1e-9)
        let summary = EmissionRunSummary(
            result: result, command: ["shadowcast"] + CommandLine.arguments.dropFirst(), target: target.text, started: started, ended: Date(),
            seed: options.seed, offeredRate: offered, latency: clean,
            thresholds: thresholds.thresholds.evaluate(ThresholdMetrics(result, latency: clean)),
            events: events.filter { $0.t <= options.durationSeconds }, scaling: scaling,
            injectedFaults: Dictionary(uniqueKeysWithValues: stats.faults.map { ($0.key.rawValue, $0.value) })).summary()
        try report.write(summary, quietStandardOutput: emitter.json == "-")
    }
}
