import Foundation
import Shadowcast

/// The end-of-run text of `shadowcast run`: totals, clean-request percentiles, errors by kind,
/// late sends, per-route rates and latency, and faults apart.
enum RunTextReport {
    static func render(_ result: EmissionResult, report: RunReport, stats: SynthesisStats) -> String {
        let ms = LoadTextReport.format(milliseconds:)
        let load = report.load
        var out = String(format: "Ran %.2fs: %llu requests sent, %llu answered, %.1f req/s", result.durationSeconds, result.sent, result.requests, result.achievedRate)
        out += " (\(LoadTextReport.backendName(result.backend)), \(load.connections) connections, \(load.threads) threads)\n"
        let closed = load.model == "closed"
        if closed {
            out += "  closed model (--max), pipeline \(load.pipeline ?? 1): synthesized requests in stream order, send times ignored\n"
        } else {
            out += "  rate source: \(report.rate_source)\(report.scenario.map { "; scenario: \($0)" } ?? "")\n"
        }
        if let warmup = result.sendWarmup { out += warmup.textLine() }
        let l = load.latency_ms
        out += "  Latency, clean requests (from \(closed ? "actual" : "intended") send): p50 \(ms(l.p50))  p90 \(ms(l.p90))  p99 \(ms(l.p99))  p99.9 \(ms(l.p999))  max \(ms(l.max))\n"
        let errorText = load.errors.filter { $0.value > 0 }.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        out += "  Errors (clean): \(errorText.isEmpty ? "none" : errorText)\n"
        if result.non2xx3xx > 0 { out += "  Non-2xx or 3xx responses: \(result.non2xx3xx)\n" }
        if closed {
            out += "  Synthesized: \(stats.shardScheduled) requests (\(result.sent) sent, the rest were queued ahead when the run ended)\n"
        } else {
            out += "  Late: \(result.late) of \(stats.shardScheduled) scheduled"
            if stats.skippedLate > 0 { out += " (\(stats.skippedLate) already late when produced, not rendered)" }
            out += "; send lateness p99 \(ms(load.send_lateness_ms.p99)), max \(ms(load.send_lateness_ms.max))\n"
        }
        out += "  Per route:\n"
        for route in result.routes where !route.name.hasPrefix("fault:") && route.requests + route.errors.total > 0 {
            let s = LatencySummary(microseconds: route.latency)
            let rate = result.durationSeconds > 0 ? Double(route.requests) / result.durationSeconds : 0
            out += "    \(route.name): \(route.requests) (\(String(format: "%.1f", rate))/s), p50 \(ms(s.p50)) p90 \(ms(s.p90)) p99 \(ms(s.p99)) p99.9 \(ms(s.p999)), errors \(route.errors.total), late \(route.late)\n"
        }
        if stats.faulted > 0 {
            out += "  Faults sent (not in the latency above): \(stats.faulted)\n"
            for (kind, fault) in report.faults.sorted(by: { $0.key < $1.key }) {
                let errors = fault.errors.filter { $0.value > 0 }.map { "\($0.key) \($0.value)" }.sorted().joined(separator: ", ")
                out += "    \(kind): \(fault.generated) sent, \(fault.completed) answered\(errors.isEmpty ? "" : ", errors: \(errors)")\n"
            }
            if result.faulted > 0 { out += "    (engine counted \(result.faulted) reset/abandoned)\n" }
        }
        return out
    }
}
