import Foundation
import Shadowcast

/// Drives an ``Autoscaler`` while `shadowcast run` sends its schedule: once a second of the run
/// it reads the target's utilization (reactive) or the run's planned request rate ahead (the
/// predictive policy sees the forecast, scenario included, `leadTime` before it arrives), and
/// lets the autoscaler decide and call the hooks.
struct RunAutoscaling: Sendable {
    /// The autoscaler made from `--autoscale` and the hooks.
    let autoscaler: Autoscaler
    /// The run's planned rate in run seconds, at an upper quantile: what predictive scaling provisions for.
    let forecast: [RateForecastPoint]
    /// The target's Prometheus endpoint, for utilization and the current instance count.
    let metricsURL: URL
    /// Which series is the utilization (0…1) the reactive policy targets.
    let utilization: MetricSelector
    /// Which series gives the current instance count, when the target exports one.
    let instances: MetricSelector
    /// The `--target-utilization` conversion from the options.
    let options: AutoscaleOptions

    /// The planned rate of `plan` as forecast points, one per segment.
    static func forecastPoints(of plan: RatePlan) -> [RateForecastPoint] {
        plan.segments.map { RateForecastPoint(time: $0.start, upperRate: $0.rate) }
    }

    /// Runs until `seconds` of run time have passed (or the task is cancelled); returns every
    /// decision that changed the replica count, with the hooks' outcomes.
    func drive(for seconds: Double, log: @Sendable (String) -> Void) async -> [ScaleDecision] {
        let start = ContinuousClock.now
        var replicas = await currentInstances() ?? options.minReplicas
        var warnedScrape = false
        var changes: [ScaleDecision] = []
        while !Task.isCancelled {
            let now = runSeconds(since: start)
            if now > seconds { break }
            var metrics: [MetricObservation] = []
            if options.autoscale == .reactive {
                do {
                    let scrape = try await ResultsSource.scrape(metricsURL)
                    if let value = utilization.value(in: scrape) { metrics.append(options.utilizationMetric(value)) }
                    if let count = instances.value(in: scrape) { replicas = Int(count.rounded()) }
                } catch {
                    if !warnedScrape { log("autoscale: cannot read \(metricsURL): \(error); skipping reactive ticks until it answers") }
                    warnedScrape = true
                }
            }
            if options.autoscale == .predictive || !metrics.isEmpty {
                let decision = await autoscaler.tick(AutoscalerInput(now: now, currentReplicas: replicas, metrics: metrics, forecast: forecast))
                if decision.changesReplicas {
                    log("autoscale t=\(String(format: "%.0f", now))s: \(decision.currentReplicas) → \(decision.desiredReplicas) (\(decision.policy)): \(decision.reason)")
                    changes.append(decision)
                    replicas = decision.desiredReplicas
                }
            }
            try? await Task.sleep(for: .seconds(1))
        }
        return changes
    }

    private func currentInstances() async -> Int? {
        guard let scrape = try? await ResultsSource.scrape(metricsURL), let count = instances.value(in: scrape) else { return nil }
        return Int(count.rounded())
    }
}

/// Seconds of run time since `start`.
private func runSeconds(since start: ContinuousClock.Instant) -> Double {
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}
