import Foundation
import Monitor
import Report
import Shadow

/// The report's ``RunSummary`` for a shadowing session (`shadow --report-dir`): the primary and
/// the secondary per second and per route, their latency curves, the comparison's findings (the
/// bottleneck first), and, with the predictive loop, predicted against actual traffic and what
/// was scaled.
public struct ShadowRunSummary: Sendable {
    /// What the proxy's records said about both sides.
    public var recorder: ShadowComparisonRecorder
    /// The proxy's counters (mirror drops, status mismatches).
    public var stats: ShadowStats
    /// The predictive loop's outcome, when it ran.
    public var loop: PredictiveLoopSummary?
    /// The command line (redacted on the way into the summary).
    public var command: [String]
    /// The primary's URL.
    public var primary: String
    /// The secondary's URL, when there was one.
    public var secondary: String?
    /// Share of requests mirrored, 0–100.
    public var mirrorPercent: Double
    /// Wall-clock start of the proxy (the recorder's origin).
    public var started: Date
    /// Wall-clock end.
    public var ended: Date

    /// Gathers what the summary is built from.
    public init(recorder: ShadowComparisonRecorder, stats: ShadowStats, loop: PredictiveLoopSummary?, command: [String],
                primary: String, secondary: String?, mirrorPercent: Double, started: Date, ended: Date) {
        self.recorder = recorder
        self.stats = stats
        self.loop = loop
        self.command = command
        self.primary = primary
        self.secondary = secondary
        self.mirrorPercent = mirrorPercent
        self.started = started
        self.ended = ended
    }

    /// Version written into `meta.toolVersion` (the demo's).
    static let toolVersion = DemoSummary.toolVersion

    /// The summary.
    public func summary() -> RunSummary {
        var targets = [RunTarget(role: .primary, url: primary)]
        if let secondary { targets.append(RunTarget(role: .secondary, url: secondary, instances: loop?.finalReplicas)) }
        let meta = RunMeta(toolVersion: Self.toolVersion, command: SecretRedactor.redact(command: command),
                           started: started, ended: ended, targets: targets)
        var summary = RunSummary(meta: meta)
        summary.timeline = ComparisonTimeline(primary: recorder.primarySeconds.map(Self.sample),
                                              secondary: recorder.secondarySeconds.map(Self.sample))
        let seconds = max(1e-9, ended.timeIntervalSince(started))
        let primaryResults = recorder.primaryResults(seconds: seconds)
        let secondaryResults = recorder.secondaryResults(seconds: seconds)
        var comparison: ComparisonReport?
        if recorder.secondaryTotal.requests > 0 {
            let report = Comparator().compare(primary: primaryResults, secondary: secondaryResults)
            comparison = report
            summary.routes = ComparisonSections.routes(secondary: secondaryResults, comparison: report)
        } else {
            summary.routes = Self.primaryRoutes(primaryResults)
        }
        summary.latency = ComparisonSections.latency(primary: primaryResults.buckets, secondary: secondaryResults.buckets)
        if let loop {
            summary.traffic = Self.traffic(loop, started: started)
            summary.scaling = loop.scalings.compactMap(Self.scaling)
        }
        summary.findings = findings(comparison: comparison)
        return summary
    }

    // MARK: Sections

    static func sample(_ second: ShadowComparisonRecorder.Second) -> SecondSample {
        SecondSample(t: second.t, rate: Double(second.requests), p50Ms: second.p50Ms, p99Ms: second.p99Ms,
                     errorRate: second.requests > 0 ? Double(second.errors) / Double(second.requests) : 0)
    }

    /// Route rows of the primary alone (nothing was mirrored).
    static func primaryRoutes(_ results: RunResults) -> [RouteRow] {
        let total = Double(max(1, results.requests))
        return (results.routes ?? [:]).sorted { $0.value.requests > $1.value.requests || ($0.value.requests == $1.value.requests && $0.key < $1.key) }
            .map { name, r in
                RouteRow(route: name, requests: Int(r.requests), rps: r.rps, p50Ms: r.latencyMs.p50, p90Ms: r.latencyMs.p90,
                         p99Ms: r.latencyMs.p99, p999Ms: r.latencyMs.p999, errors: Int(r.errorCount), share: Double(r.requests) / total)
            }
    }

    /// Actual requests per step, and the loop's forecast for each step (median and upper
    /// quantile, made `predict-ahead` earlier) as the forecast band.
    static func traffic(_ loop: PredictiveLoopSummary, started: Date) -> TrafficHistory {
        let step = loop.stepSeconds
        let aheadSteps = max(1, Int((loop.predictAheadSeconds / step).rounded()))
        func time(_ index: Int) -> Date { started.addingTimeInterval(Double(index) * step) }
        let actual = loop.steps.compactMap { s in
            s.actualRate.map { TrafficPoint(step: s.step, time: time(s.step), count: $0 * step) }
        }
        let forecast = loop.steps.compactMap { s -> Report.ForecastPoint? in
            guard let median = s.predictedAheadRate else { return nil }
            let upper = s.predictedAheadUpperRate ?? median
            return Report.ForecastPoint(step: s.step + aheadSteps, time: time(s.step + aheadSteps), values: [median * step, upper * step])
        }
        return TrafficHistory(
            stepSeconds: step, history: actual,
            forecast: forecast.isEmpty ? nil : TrafficForecast(
                model: "live forecaster", quantiles: [0.5, 0.9], band: QuantileBand(lower: 0.5, upper: 0.9), points: forecast),
            actual: [])
    }

    static func scaling(_ step: PredictiveStepRecord) -> ScalingAction? {
        guard let s = step.scaling else { return nil }
        let failed = s.failedHooks.joined(separator: "; ")
        return ScalingAction(t: step.time, from: s.from, to: s.to, policy: "predictive", reason: s.reason,
                             hook: HookResult(succeeded: s.failedHooks.isEmpty, message: failed.isEmpty ? nil : failed))
    }

    // MARK: Findings

    func findings(comparison: ComparisonReport?) -> [Report.Finding] {
        var out: [Report.Finding] = []
        let primaryAll = recorder.primaryTotal
        out.append(Report.Finding(
            severity: .info,
            sentence: String(format: "%llu requests proxied to the primary; %llu mirrored to the secondary (%g%% sampled).",
                             primaryAll.requests, recorder.secondaryTotal.requests, mirrorPercent),
            numbers: [.init(name: "primary_requests", value: Double(primaryAll.requests)),
                      .init(name: "secondary_requests", value: Double(recorder.secondaryTotal.requests))]))
        if let comparison {
            out += ComparisonSections.findings(comparison, load: "the mirrored traffic")
        } else if secondary != nil {
            out.append(Report.Finding(severity: .warning, sentence: "No mirrored request reached the secondary, so nothing was compared."))
        }
        let notMirrored = recorder.notMirrored.values.reduce(0, +)
        if notMirrored > 0 {
            let reasons = ShadowFailure.allCases.compactMap { r in recorder.notMirrored[r].map { "\($0) \(r.rawValue)" } }.joined(separator: ", ")
            out.append(Report.Finding(
                severity: .warning,
                sentence: "\(notMirrored) sampled requests were not sent to the secondary (\(reasons)): its figures leave them out.",
                numbers: [.init(name: "not_mirrored", value: Double(notMirrored))]))
        }
        if stats.statusMismatches > 0 {
            out.append(Report.Finding(
                severity: .warning,
                sentence: "\(stats.statusMismatches) mirrored requests got a different status from the secondary than from the primary.",
                numbers: [.init(name: "status_mismatches", value: Double(stats.statusMismatches))]))
        }
        if let loop, let mae = loop.meanAbsoluteError {
            out.append(Report.Finding(
                severity: .info,
                sentence: String(format: "The predictive loop ran %d steps of %g s; its forecasts were off by %.1f req/s on average (mean absolute error); replicas at the end: %d.",
                                 loop.stepsRun, loop.stepSeconds, mae, loop.finalReplicas),
                numbers: [.init(name: "forecast_mae", value: mae, unit: "req/s")]))
        }
        if recorder.lateRecords + recorder.outOfRangeRecords > 0 {
            out.append(Report.Finding(
                severity: .info,
                sentence: "\(recorder.lateRecords + recorder.outOfRangeRecords) records arrived after their second was closed: they are in the route and overall figures, not in the per-second timeline."))
        }
        if recorder.otherRouteRequests > 0 {
            out.append(Report.Finding(
                severity: .info,
                sentence: "\(recorder.otherRouteRequests) requests of routes beyond the first \(recorder.maxRoutes) are reported together as \"\(ShadowComparisonRecorder.otherRoute)\"."))
        }
        return out.sorted { $0.severity > $1.severity }
    }
}
