import Foundation
import Shadowcast

/// wrk/wrk2-style text output for a finished run.
enum LoadTextReport {
    static func format(milliseconds: Double) -> String {
        if milliseconds >= 1000 { return String(format: "%.2fs", milliseconds / 1000) }
        if milliseconds >= 1 { return String(format: "%.2fms", milliseconds) }
        return String(format: "%.0fus", milliseconds * 1000)
    }

    static func format(bytes: Double) -> String {
        let units = ["B", "KB", "MB", "GB", "TB"]
        var value = bytes
        var unit = 0
        while value >= 1024, unit < units.count - 1 { value /= 1024; unit += 1 }
        return String(format: "%.2f%@", value, units[unit])
    }

    /// The report. The header names the requested duration, as wrk's does; the requests line gives
    /// the time the run took (shorter with a request limit, longer by a drain).
    static func render(_ result: EmissionResult, report: LoadReport, url: String, requestedSeconds: Double) -> String {
        var out = ""
        let model: String
        switch report.model {
        case "rate": model = String(format: "open model, %.0f req/s", report.target_rps ?? 0)
        case "closed": model = "closed model, pipeline \(report.pipeline ?? 1)"
        default: model = "open model, schedule"
        }
        out += String(format: "Running %.2fs test @ %@\n", requestedSeconds, url)
        out += "  \(report.threads) threads and \(report.connections) connections (\(backendName(result.backend)), \(model)\(result.tcpCongestion.map { ", TCP \($0)" } ?? ""))\n"
        out += String(format: "  %llu of %d connections open in %.2f ms before the clock started\n",
                      result.connectedAtStart, report.connections, result.warmupSeconds * 1000)
        if let warmup = result.sendWarmup { out += warmup.textLine(pacing: " at the target rate") }
        let l = report.latency_ms, s = report.service_ms
        out += "  Thread Stats       Avg      p50      p90      p99    p99.9      Max\n"
        out += row("Latency", l) + row("Service", s)
        out += "  (Latency: from the intended send time; Service: from the actual send)\n"
        out += "  Latency Distribution (HdrHistogram - Recorded Latency)\n"
        for p in [50.0, 75, 90, 99, 99.9, 99.99, 99.999, 100] {
            let value = Double(result.latency.valueAtPercentile(p)) / 1000
            out += String(format: " %7.3f%%  %@\n", p, pad(format(milliseconds: value), 9))
        }
        out += "  \(result.requests) requests in \(String(format: "%.2fs", result.durationSeconds)), \(format(bytes: Double(result.bytesReceived))) read\n"
        if result.errors.total > 0 {
            let e = result.errors
            out += "  Socket errors: refused \(e.refused), reset \(e.reset), timeout \(e.timeout), closed early \(e.closedEarly), parse \(e.parse), other \(e.other)\n"
        }
        if result.non2xx3xx > 0 { out += "  Non-2xx or 3xx responses: \(result.non2xx3xx)\n" }
        if report.model != "closed" {
            out += "  Late sends (> threshold): \(result.late); send lateness p99 \(format(milliseconds: report.send_lateness_ms.p99)), max \(format(milliseconds: report.send_lateness_ms.max))\n"
        }
        if result.faulted > 0 { out += "  Faulted (reset/abandon) requests: \(result.faulted)\n" }
        if result.routes.count > 1 {
            out += "  Per route:\n"
            for route in result.routes {
                let summary = LatencySummary(microseconds: route.latency)
                out += "    \(route.name): \(route.requests) requests, p50 \(format(milliseconds: summary.p50)), p99 \(format(milliseconds: summary.p99)), errors \(route.errors.total)\n"
            }
        }
        out += String(format: "Requests/sec: %10.2f\n", result.achievedRate)
        out += "Transfer/sec: \(pad(format(bytes: result.durationSeconds > 0 ? Double(result.bytesReceived) / result.durationSeconds : 0), 10))\n"
        return out
    }

    static func backendName(_ backend: EmissionConfiguration.Backend) -> String {
        backend == .uring ? "io_uring" : backend.rawValue
    }

    private static func row(_ name: String, _ s: LatencySummary) -> String {
        "    \(pad(name, 10))" + [s.mean, s.p50, s.p90, s.p99, s.p999, s.max].map { pad(format(milliseconds: $0), 9) }.joined() + "\n"
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
    }
}
