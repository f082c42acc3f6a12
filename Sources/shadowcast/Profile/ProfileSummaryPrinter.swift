import Foundation
import Profiler

/// Human summaries of a profile (used by `inspect` and after `profile`).
enum ProfileSummaryPrinter {
    static func percent(_ weight: Double) -> String { String(format: "%5.1f%%", weight * 100) }

    static func bytes(_ value: Double) -> String {
        if value >= 1_048_576 { return String(format: "%.1f MiB", value / 1_048_576) }
        if value >= 1024 { return String(format: "%.1f KiB", value / 1024) }
        return String(format: "%.0f B", value)
    }

    static func seconds(_ value: Double) -> String {
        if value >= 3600 { return String(format: "%.1f h", value / 3600) }
        if value >= 60 { return String(format: "%.1f min", value / 60) }
        if value >= 1 { return String(format: "%.1f s", value) }
        return String(format: "%.0f ms", value * 1000)
    }

    static func quantiles(_ summary: QuantileSummary?, format: (Double) -> String) -> String {
        guard let summary else { return "-" }
        func at(_ p: Double) -> Double {
            guard let index = summary.probabilities.firstIndex(where: { abs($0 - p) < 1e-9 }) else { return .nan }
            return summary.values[index]
        }
        return "p50 \(format(at(0.5)))  p90 \(format(at(0.9)))  p99 \(format(at(0.99)))  max \(format(summary.max))"
    }

    /// Ingestion summary: lines, skips with reasons and first examples.
    static func ingestion(_ provenance: Provenance) -> String {
        var out = ""
        for source in provenance.sources {
            out += "\(source.name)\(source.gzip ? " (gzip)" : ""): \(source.lines) lines, \(source.parsed) parsed, \(source.skipped) skipped [\(source.format)]\n"
            for reason in source.skipReasons { out += "  skipped \(reason.count) × \(reason.value)\n" }
            for skip in source.firstSkipped { out += "  e.g. \(source.name):\(skip.line): \(skip.reason) (byte \(skip.byteOffset))\n" }
        }
        if provenance.lateRecords > 0 {
            out += "\(provenance.lateRecords) records arrived later than the \(Int(provenance.reorderWindowSeconds)) s reorder window (kept)\n"
        }
        if let outside = provenance.outOfRangeRecords {
            out += "\(outside) records fell outside the history range (kept in distributions, not in the series): use a wider --step\n"
        }
        return out
    }

    /// The full summary.
    static func summary(_ p: RequestProfile, topRoutes: Int = 15) -> String {
        var out = ""
        let range = "\(p.provenance.start ?? "-") → \(p.provenance.end ?? "-")"
        out += "Profile v\(p.version): \(p.totals.requests) requests, \(range)\n"
        out += String(format: "Rate: mean %.3f req/s, peak %d per %@ step; %d routes (%d distinct paths%@), %d agents, %d clients\n",
                      p.totals.meanRatePerSecond, p.totals.peakPerStep, DurationArgument.compactText(seconds: p.stepSeconds),
                      p.totals.distinctRoutes, p.totals.distinctPaths, p.totals.distinctPathsCapped ? "+" : "",
                      p.totals.distinctUserAgents, p.totals.distinctClients)
        out += "Lines: \(p.provenance.totalLines) read, \(p.provenance.parsedLines) parsed, \(p.provenance.skippedLines) skipped; clients \(p.provenance.redaction.clients == "hash" ? "pseudonymised" : "dropped")\n"
        out += "Methods: " + p.methods.map { "\($0.value) \(percent($0.weight).trimmingCharacters(in: .whitespaces))" }.joined(separator: ", ") + "\n"
        out += "Status:  " + p.statusClasses.map { "\($0.value) \(percent($0.weight).trimmingCharacters(in: .whitespaces))" }.joined(separator: ", ") + "\n"
        out += "\nTop routes (of \(p.routes.count) kept\(p.other.map { String(format: ", {other} %.1f%%", $0.share * 100) } ?? "")):\n"
        for route in p.routes.prefix(topRoutes) {
            let methods = route.methods.map(\.value).joined(separator: ",")
            out += "  \(percent(route.share))  \(String(route.count).padding(toLength: 7, withPad: " ", startingAt: 0)) \(methods.padding(toLength: 8, withPad: " ", startingAt: 0)) \(route.route)\n"
            out += "           response \(quantiles(route.responseBytes, format: bytes))"
            if let latency = route.latencySeconds { out += "; latency \(quantiles(latency, format: seconds))" }
            out += "\n"
            for parameter in route.parameters {
                out += "           {\(parameter.name)} \(parameter.kind): ~\(parameter.values.distinctEstimate) distinct"
                if let s = parameter.values.zipfExponent { out += String(format: ", zipf %.2f", s) }
                if parameter.values.withheld > 0 { out += ", \(parameter.values.withheld) secret-like withheld" }
                out += "\n"
            }
            if !route.queryKeys.isEmpty {
                out += "           query: " + route.queryKeys.prefix(6).map { "\($0.key)\($0.credential ? "(redacted)" : "") \(percent($0.frequency).trimmingCharacters(in: .whitespaces))" }.joined(separator: ", ") + "\n"
            }
        }
        out += "\nUser agents: " + p.userAgents.families.map { "\($0.value) \(percent($0.weight).trimmingCharacters(in: .whitespaces))" }.joined(separator: ", ") + "\n"
        for agent in p.userAgents.top.prefix(5) {
            out += "  \(percent(agent.weight))  [\(agent.family)] \(agent.agent.prefix(90))\n"
        }
        out += "Geo (\(p.geo.source)): "
        out += p.geo.countries.isEmpty ? "no country data" : p.geo.countries.prefix(8).map { "\($0.value) \(percent($0.weight).trimmingCharacters(in: .whitespaces))" }.joined(separator: ", ")
        out += "\n"
        let busiest = p.timeMix.hourOfDay.enumerated().max { $0.element < $1.element }
        if let busiest { out += String(format: "Busiest hour (UTC): %02d:00 with %.1f%% of requests\n", busiest.offset, busiest.element * 100) }
        let s = p.sessions
        out += "\nSessions (\(s.key), gap \(seconds(s.inactivityGapSeconds))): \(s.sessions), \(String(format: "%.4f", s.startRatePerSecond)) starts/s\n"
        out += "  requests/session \(quantiles(s.requestsPerSession, format: { String(format: "%.0f", $0) }))\n"
        out += "  think time       \(quantiles(s.thinkTimeSeconds, format: seconds))\n"
        if let entry = s.entry.first { out += "  most common entry: \(entry.value) (\(percent(entry.weight).trimmingCharacters(in: .whitespaces)))\n" }
        if let forecast = p.forecast {
            out += "\nForecast (\(forecast.model)): \(forecast.values.count) steps of \(seconds(forecast.stepSeconds)) from \(forecast.start), quantiles \(forecast.quantiles)\n"
            if let median = forecast.quantiles.firstIndex(where: { abs($0 - 0.5) < 1e-9 }) {
                let total = forecast.values.reduce(0) { $0 + $1[median] }
                out += String(format: "  median total %.0f requests\n", total)
            }
            if let backtest = forecast.backtest {
                out += "  backtest: " + backtest.metrics.map { String(format: "%@ %.3f", $0.name, $0.value) }.joined(separator: ", ") + "\n"
            }
        } else {
            out += "\nForecast: none (run 'shadowcast profile --forecast 1h')\n"
        }
        return out
    }
}
