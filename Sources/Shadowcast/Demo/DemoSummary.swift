import Autoscale
import Emission
import Forecast
import Foundation
import Monitor
import Report
import Synthesis

/// Turns what the demo learned and measured into the report's ``RunSummary`` (every section),
/// and the console's tables.
enum DemoSummary {
    /// Version written into `meta.toolVersion`.
    static let toolVersion = "0.1.0"

    static func build(
        configuration c: DemoConfiguration, history: DemoHistory, live: DemoLiveRun.Outcome, command: [String],
        started: Date, ended: Date
    ) -> RunSummary {
        let meta = RunMeta(
            toolVersion: toolVersion, command: SecretRedactor.redact(command: command), started: live.liveStarted, ended: ended,
            seed: c.seed,
            targets: [
                RunTarget(role: .primary, url: live.primaryURL, instances: live.primaryInstances),
                RunTarget(role: .secondary, url: live.secondaryURL, instances: live.secondaryInstancesAtEnd),
            ])
        var summary = RunSummary(meta: meta)
        summary.traffic = traffic(history)
        summary.backtest = backtest(history.forecast)
        summary.timeline = ComparisonTimeline(primary: live.primary.samples, secondary: live.secondary.samples)
        let comparison: ComparisonReport?
        if let primary = live.primary.whole, let secondary = live.secondary.whole {
            let report = Comparator().compare(primary: primary, secondary: secondary)
            comparison = report
            summary.routes = ComparisonSections.routes(secondary: secondary, comparison: report)
            summary.latency = ComparisonSections.latency(primary: primary.buckets, secondary: secondary.buckets)
        } else {
            comparison = nil
        }
        summary.scaling = live.decisions.filter { $0.decision.changesReplicas }.map { entry in
            let outcome = entry.outcomes.first
            return ScalingAction(
                t: entry.decision.time, from: entry.decision.currentReplicas, to: entry.decision.desiredReplicas,
                policy: entry.decision.policy, reason: entry.decision.reason,
                hook: HookResult(succeeded: outcome?.succeeded ?? false, message: outcome.map { o in
                    o.succeeded ? "\(o.hook): applied (new instances take \(Int(live.instanceStartSeconds)) s to start)" : "\(o.hook): \(o.error ?? "failed")"
                }))
        }
        summary.faults = faults(live.synthetic)
        summary.events = events(live)
        summary.findings = findings(live: live, comparison: comparison)
        return summary
    }

    // MARK: Traffic and backtest

    static func traffic(_ history: DemoHistory) -> TrafficHistory {
        let step = history.profile.history.stepSeconds
        let start = history.profile.history.startEpochSeconds
        let points = history.profile.history.total.enumerated().map { index, count in
            TrafficPoint(step: index, time: Date(timeIntervalSince1970: start + Double(index) * step), count: Double(count))
        }
        let first = points.count
        let result = history.forecast
        let forecastPoints = result.values.enumerated().map { index, values in
            Report.ForecastPoint(step: first + index, time: Date(timeIntervalSince1970: history.forecastStart + Double(index) * step), values: values)
        }
        let band = QuantileBand(lower: result.quantiles.first ?? 0.1, upper: result.quantiles.last ?? 0.9)
        let actual = history.actual.enumerated().map { index, count in
            TrafficPoint(step: first + index, time: Date(timeIntervalSince1970: history.forecastStart + Double(index) * step), count: count)
        }
        return TrafficHistory(
            stepSeconds: step, history: points,
            forecast: TrafficForecast(model: result.model, quantiles: result.quantiles, band: band, points: forecastPoints),
            actual: actual)
    }

    static func backtest(_ result: ForecastResult) -> BacktestTable {
        let rows = result.backtest.keys.sorted { (result.backtest[$0]?.mase ?? .infinity) < (result.backtest[$1]?.mase ?? .infinity) }.map { name in
            let m = result.backtest[name]!
            // The forecaster reports sMAPE in percent; the summary schema wants a fraction.
            return BacktestRow(model: name, mase: m.mase, smape: m.smape / 100, pinball: m.pinball, coverage: m.coverage80)
        }
        return BacktestTable(rows: rows, chosen: result.model, reason: result.reason)
    }

    static func backtestText(_ result: ForecastResult) -> String {
        var lines = ["      backtest (lower is better; coverage = share of actuals inside the 10–90% band):",
                     "        model              MASE   sMAPE   pinball  coverage"]
        for row in backtest(result).rows {
            let name = row.model.padding(toLength: max(15, row.model.count), withPad: " ", startingAt: 0)
            lines.append((row.model == result.model ? "      → " : "        ") + name
                         + String(format: "  %6.3f  %5.1f%%  %8.2f  %7.0f%%", row.mase, row.smape * 100, row.pinball ?? .nan, (row.coverage ?? .nan) * 100))
        }
        lines.append("      chosen: \(result.model) — \(result.reason)")
        return lines.joined(separator: "\n")
    }

    // MARK: Faults and events

    static func faults(_ result: EmissionResult) -> [FaultRecord] {
        result.routes.filter { $0.name.hasPrefix("fault:") }.map { route in
            let kind = String(route.name.dropFirst("fault:".count))
            let failed = Int(route.errors.total)
            let answered = Int(route.requests)
            let injected = answered + failed
            let outcome: String
            if injected == 0 {
                outcome = "not injected (no request drew it)"
            } else if failed == 0 {
                outcome = "the Lab answered all \(injected) (it rejected or tolerated the malformed request and kept serving)"
            } else {
                let kinds = route.errors.byKind.filter { $0.count > 0 }.map { "\($0.count) \($0.kind)" }.joined(separator: ", ")
                outcome = "\(answered) answered, \(failed) ended without an answer (\(kinds)); other requests were unaffected"
            }
            return FaultRecord(kind: kind, count: injected, errorsCaused: failed, outcome: outcome)
        }
    }

    static func events(_ live: DemoLiveRun.Outcome) -> [Report.ScenarioEvent] {
        var events: [Report.ScenarioEvent] = [
            .init(t: 0, name: "load starts", detail: String(format: "replay to the primary (%.0fx), forecast next period to the secondary (%.0fx)", live.replayCompression, live.syntheticCompression)),
        ]
        for event in live.scenario.events {
            events.append(.init(t: event.start, name: "\(live.scenario.name) opens", detail: "\(event.name): ramp over \(Int(event.ramp)) s"))
            events.append(.init(t: event.start + event.ramp, name: "\(live.scenario.name) peak", detail: "rate at its peak multiplier"))
            events.append(.init(t: event.end - event.rampDown, name: "\(live.scenario.name) winds down", detail: "over \(Int(event.rampDown)) s"))
            events.append(.init(t: event.end, name: "\(live.scenario.name) ends"))
        }
        for ready in live.instancesReady {
            events.append(.init(t: ready.t, name: "secondary at \(ready.instances) instance\(ready.instances == 1 ? "" : "s")", detail: "instances started by the autoscaler's hook"))
        }
        return events.sorted { $0.t < $1.t }
    }

    // MARK: Findings

    static func findings(live: DemoLiveRun.Outcome, comparison: ComparisonReport?) -> [Report.Finding] {
        var out: [Report.Finding] = []
        if let comparison {
            out += ComparisonSections.findings(comparison)
        }
        if let saturation = SaturationDetector().detect(live.secondary.saturation, subject: "The secondary") {
            out.append(Report.Finding(severity: ComparisonSections.severity(saturation.severity), sentence: saturation.message))
        }
        let ups = live.decisions.filter { $0.decision.desiredReplicas > $0.decision.currentReplicas }
        if let first = ups.first, let event = live.scenario.events.first {
            let peak = event.start + event.ramp
            let top = live.decisions.map(\.decision.desiredReplicas).max() ?? first.decision.desiredReplicas
            let when = first.decision.time < peak
                ? String(format: "%.0f s before the forecast flash-sale peak (t=%.0f s)", peak - first.decision.time, peak)
                : String(format: "%.0f s after the forecast flash-sale peak (t=%.0f s)", first.decision.time - peak, peak)
            out.append(Report.Finding(
                severity: .info,
                sentence: String(format: "The predictive autoscaler scaled the secondary from %d to %d instances, starting at t=%.0f s, %@ (lead time %.0f s; new instances take %.0f s to start).",
                                 first.decision.currentReplicas, top, first.decision.time, when, live.leadSeconds, live.instanceStartSeconds),
                numbers: [.init(name: "first_scale_up_t", value: first.decision.time, unit: "s"), .init(name: "max_instances", value: Double(top))]))
        }
        let saleSamples = live.secondary.samples.filter { s in live.scenario.events.contains { s.t >= $0.start && s.t < $0.end } }
        let otherSamples = live.secondary.samples.filter { s in !live.scenario.events.contains { s.t >= $0.start && s.t < $0.end } }
        if let salePeak = saleSamples.map(\.p99Ms).max(), let calm = median(otherSamples.map(\.p99Ms)), calm > 0 {
            out.append(Report.Finding(
                severity: salePeak > 4 * calm ? .warning : .info,
                sentence: String(format: "During the flash sale the secondary's p99 peaked at %.0f ms (%.1fx its %.0f ms outside the sale) at up to %.0f req/s.",
                                 salePeak, salePeak / calm, calm, saleSamples.map(\.rate).max() ?? 0),
                numbers: [.init(name: "sale_peak_p99", value: salePeak, unit: "ms"), .init(name: "calm_p99", value: calm, unit: "ms")]))
        }
        return out.sorted { $0.severity > $1.severity }
    }

    static func median(_ values: [Double]) -> Double? {
        let sorted = values.filter { $0.isFinite && $0 > 0 }.sorted()
        return sorted.isEmpty ? nil : sorted[sorted.count / 2]
    }

    // MARK: Closing text

    static func closingText(_ summary: RunSummary, html: URL, json: URL, wallSeconds: Double) -> String {
        var lines = ["", "Findings:"]
        for finding in summary.findings.prefix(8) { lines.append("  [\(finding.severity.rawValue)] \(finding.sentence)") }
        lines.append("")
        lines.append(String(format: "Report written in %.0f s:", wallSeconds))
        lines.append("  \(html.path)")
        lines.append("  \(json.path)")
        return lines.joined(separator: "\n") + "\n"
    }
}
