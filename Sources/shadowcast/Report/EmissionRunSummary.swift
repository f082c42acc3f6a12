import Foundation
import Histogram
import Shadowcast

/// The report's ``RunSummary`` for a single-target run (`load`, `run`): the per-second series
/// from the emitter's snapshots (rate, mean latency, errors), one row per route, the HDR
/// percentile curve, faults, scenario events, scaling actions, thresholds and a few findings.
struct EmissionRunSummary {
    /// The run's result.
    var result: EmissionResult
    /// The command line (redacted on the way out).
    var command: [String]
    /// The target's URL.
    var target: String
    /// Wall-clock start of the run.
    var started: Date
    /// Wall-clock end of the run.
    var ended: Date
    /// Seed of the synthesis (`run`).
    var seed: UInt64?
    /// Offered rate, when the run had one (load --rate, run's plan).
    var offeredRate: Double?
    /// Latency the percentiles and thresholds judge (default: the result's; `run`: clean requests).
    var latency: Histogram<UInt64>?
    /// Threshold outcomes.
    var thresholds: [ThresholdOutcome] = []
    /// Scenario events on the run's clock.
    var events: [Report.ScenarioEvent] = []
    /// Scaling actions on the run's clock.
    var scaling: [ScalingAction] = []
    /// Fault-injected requests the synthesizer generated, by fault kind (`run --faults`).
    var injectedFaults: [String: Int] = [:]

    /// Version written into `meta.toolVersion` (the demo's).
    static let toolVersion = "0.1.0"

    /// The summary.
    func summary() -> RunSummary {
        let meta = RunMeta(toolVersion: Self.toolVersion, command: command, started: started, ended: ended, seed: seed,
                           targets: [RunTarget(role: .secondary, url: target)])
        var summary = RunSummary(meta: meta)
        summary.timeline = ComparisonTimeline(secondary: result.perSecond.map(Self.sample))
        let clean = result.routes.filter { !$0.name.hasPrefix("fault:") }
        let cleanTotal = Double(max(1, clean.reduce(0) { $0 + $1.requests + $1.errors.total }))
        let seconds = max(result.durationSeconds, 1e-9)
        summary.routes = clean.filter { $0.requests + $0.errors.total > 0 }.sorted { $0.requests > $1.requests }.map { route in
            let l = LatencySummary(microseconds: route.latency)
            return RouteRow(route: route.name, requests: Int(route.requests), rps: Double(route.requests) / seconds,
                            p50Ms: l.p50, p90Ms: l.p90, p99Ms: l.p99, p999Ms: l.p999, errors: Int(route.errors.total),
                            share: Double(route.requests + route.errors.total) / cleanTotal)
        }
        let histogram = latency ?? result.latency
        if histogram.totalCount > 0 {
            summary.latency = LatencyDistribution(secondary: LatencyDistribution.recommendedPercentiles.map {
                PercentilePoint(percentile: $0, latencyMs: Double(histogram.valueAtPercentile($0)) / 1000)
            })
        }
        summary.faults = faults()
        summary.events = events
        summary.scaling = scaling
        summary.thresholds = thresholds
        summary.findings = findings(histogram)
        return summary
    }

    /// One second of the emitter's snapshots (percentiles are not measured per second).
    static func sample(_ s: EmissionSnapshot) -> SecondSample {
        let ended = s.intervalCompleted + s.intervalErrors
        return SecondSample(
            t: max(0, s.elapsedSeconds - s.intervalSeconds), rate: s.intervalRate, p50Ms: 0, p99Ms: 0,
            errorRate: ended > 0 ? Double(s.intervalErrors) / Double(ended) : 0,
            meanMs: s.intervalCompleted > 0 ? s.intervalMeanLatencyMicros / 1000 : nil)
    }

    /// One record per fault kind: what the synthesizer injected and what came back. Requests
    /// sent with a reset or abandon flag expect no answer (the engine counts them as faulted).
    func faults() -> [FaultRecord] {
        var kinds = Set(injectedFaults.keys)
        for route in result.routes where route.name.hasPrefix("fault:") { kinds.insert(String(route.name.dropFirst("fault:".count))) }
        return kinds.sorted().map { kind in
            let route = result.routes.first { $0.name == "fault:" + kind }
            let failed = Int(route?.errors.total ?? 0)
            let answered = Int(route?.requests ?? 0)
            let injected = injectedFaults[kind] ?? answered + failed
            let outcome: String
            if answered + failed == 0 && injected > 0 {
                outcome = "sent without waiting for an answer (the connection is cut on purpose)"
            } else if failed == 0 {
                outcome = "the target answered all \(answered)"
            } else {
                let byKind = (route?.errors.byKind ?? []).filter { $0.count > 0 }.map { "\($0.count) \($0.kind)" }.joined(separator: ", ")
                outcome = "\(answered) answered, \(failed) ended without an answer (\(byKind))"
            }
            return FaultRecord(kind: kind, count: injected, errorsCaused: failed, outcome: outcome)
        }
    }

    /// Errors of the requests without an injected fault (faults are reported apart).
    var cleanErrors: EmissionErrorCounts {
        result.routes.filter { !$0.name.hasPrefix("fault:") }.reduce(EmissionErrorCounts()) { $0 + $1.errors }
    }

    private var summaryHasFaults: Bool { !injectedFaults.isEmpty || result.routes.contains { $0.name.hasPrefix("fault:") } }

    func findings(_ histogram: Histogram<UInt64>) -> [Report.Finding] {
        var out: [Report.Finding] = []
        guard result.sent > 0 else {
            let why = result.scheduleError.map { "the schedule failed: \($0)" } ?? "the schedule was empty or the run too short for its rate"
            return [Report.Finding(severity: .warning, sentence: "No request was sent: \(why).")]
        }
        let latency = LatencySummary(microseconds: histogram)
        out.append(Report.Finding(
            severity: .info,
            sentence: String(format: "%llu responses in %.1f s (%.0f req/s%@); p50 %.2f ms, p99 %.2f ms, max %.2f ms from the intended send time.",
                             result.requests, result.durationSeconds, result.achievedRate,
                             offeredRate.map { String(format: " of %.0f offered", $0) } ?? "", latency.p50, latency.p99, latency.max),
            numbers: [.init(name: "rps", value: result.achievedRate), .init(name: "p99", value: latency.p99, unit: "ms")]))
        if let offered = offeredRate, offered > 0, result.achievedRate < 0.95 * offered {
            out.append(Report.Finding(
                severity: .warning,
                sentence: String(format: "The target answered %.0f req/s, %.0f%% of the %.0f req/s offered: it (or this machine) could not keep up.",
                                 result.achievedRate, result.achievedRate / offered * 100, offered)))
        }
        let errors = cleanErrors
        if errors.total > 0 {
            let answered = result.routes.filter { !$0.name.hasPrefix("fault:") }.reduce(0) { $0 + $1.requests }
            let rate = Double(errors.total) / Double(max(1, answered + errors.total))
            let kinds = errors.byKind.filter { $0.count > 0 }.map { "\($0.count) \($0.kind)" }.joined(separator: ", ")
            out.append(Report.Finding(
                severity: rate >= 0.01 ? .critical : .warning,
                sentence: String(format: "%.2f%% of requests failed (%@)%@.", rate * 100, kinds, summaryHasFaults ? ", not counting the fault-injected ones" : ""),
                numbers: [.init(name: "error_rate", value: rate)]))
        }
        if result.sent > 0, result.late > 0 {
            let share = Double(result.late) / Double(result.sent)
            out.append(Report.Finding(
                severity: share >= 0.01 ? .warning : .info,
                sentence: String(format: "%llu requests (%.2f%%) left later than scheduled; their latency counts from the intended send time, so the figures are free of coordinated omission.",
                                 result.late, share * 100)))
        }
        for outcome in thresholds where !outcome.passed {
            out.append(Report.Finding(severity: .critical, sentence: "Threshold \(outcome.expression) failed: \(outcome.message)."))
        }
        return out.sorted { $0.severity > $1.severity }
    }
}
