import Foundation

extension ReportRenderer {
    func overviewSection(_ s: RunSummary) -> String {
        let k = RunFigures(s)
        var html = "<p class=\"lede\">What the run did to the secondary, with the primary for comparison.</p><div class=\"kpis\">"
        func kpi(_ label: String, _ value: String, _ detail: String = "", _ tone: String = "") -> String {
            "<div class=\"kpi \(tone)\"><div class=\"label\">\(HTML.escape(label))</div><div class=\"value\">\(HTML.escape(value))</div><div class=\"detail\">\(HTML.escape(detail))</div></div>"
        }
        html += kpi("Requests", k.requests.map { NumberFormat.grouped($0) } ?? "–",
                    k.meanRate.map { "mean \(NumberFormat.rate($0))" } ?? "secondary")
        html += kpi("Peak rate", k.peakRate.map { NumberFormat.rate($0) } ?? "–",
                    k.primaryPeakRate.map { "primary \(NumberFormat.rate($0))" } ?? "secondary")
        let p99Tone = (k.p99Ratio ?? 1) >= 2 ? "bad" : (k.p99Ratio ?? 1) >= 1.25 ? "warn" : ""
        html += kpi("p99 latency", k.p99.map(NumberFormat.latency) ?? "–",
                    k.primaryP99.map { "primary \(NumberFormat.latency($0))" + (k.p99Ratio.map { " · ×\(NumberFormat.trimmed($0))" } ?? "") } ?? "secondary", p99Tone)
        let errorTone = (k.errorRate ?? 0) >= 0.01 ? "bad" : (k.errorRate ?? 0) > 0 ? "warn" : "ok"
        html += kpi("Errors", k.errorRate.map(NumberFormat.percent) ?? "–",
                    k.errors.map { "\(NumberFormat.grouped($0)) failed" } ?? "secondary", k.errorRate == nil ? "" : errorTone)
        if let instances = k.instances {
            html += kpi("Instances", "\(instances.start) → \(instances.end)", "\(s.scaling.count) scaling action\(s.scaling.count == 1 ? "" : "s"), peak \(instances.peak)")
        }
        if !s.thresholds.isEmpty {
            let passed = s.thresholds.filter(\.passed).count
            html += kpi("Thresholds", "\(passed)/\(s.thresholds.count) passed", passed == s.thresholds.count ? "exit code 0" : "exit code non-zero",
                        passed == s.thresholds.count ? "ok" : "bad")
        }
        html += "</div>"

        if !s.thresholds.isEmpty {
            html += "<h3>Thresholds</h3>"
            let rows = s.thresholds.map { t in
                "<tr><td><span class=\"badge \(t.passed ? "pass" : "fail")\">\(t.passed ? "pass" : "fail")</span></td>"
                    + td(t.expression, className: "route") + td(t.message) + "</tr>"
            }
            html += table(header: [("Result", false), ("Threshold", false), ("Measured", false)], rows: rows)
        }

        html += "<dl class=\"meta\">"
        for target in s.meta.targets {
            var text = target.url
            if let n = target.instances { text += " (\(n) instance\(n == 1 ? "" : "s") at start)" }
            html += "<dt>\(HTML.escape(target.role.rawValue.capitalized))</dt><dd>\(HTML.escape(SecretRedactor.redact(url: text)))</dd>"
        }
        if let seed = s.meta.seed { html += "<dt>Seed</dt><dd>\(seed)</dd>" }
        html += "<dt>Duration</dt><dd>\(NumberFormat.clock(s.meta.durationSeconds)) (m:ss)</dd>"
        html += "</dl>"
        return html
    }

    func findingsSection(_ s: RunSummary) -> String {
        guard !s.findings.isEmpty else {
            return empty("the run drew no conclusions (no comparison or bottleneck analysis ran).")
        }
        var html = "<ul class=\"findings\">"
        let ordered = s.findings.enumerated().sorted { a, b in
            a.element.severity != b.element.severity ? a.element.severity > b.element.severity : a.offset < b.offset
        }.map(\.element)
        for finding in ordered {
            html += "<li class=\"finding\"><span class=\"badge \(finding.severity.rawValue)\">\(finding.severity.rawValue)</span><div><div class=\"sentence\">\(HTML.escape(finding.sentence))</div>"
            if !finding.numbers.isEmpty {
                html += "<div class=\"numbers\">"
                for n in finding.numbers {
                    html += "<span>\(HTML.escape(n.name)): \(HTML.escape(NumberFormat.trimmed(n.value)))\(n.unit.isEmpty ? "" : " " + HTML.escape(n.unit))</span>"
                }
                html += "</div>"
            }
            html += "</div></li>"
        }
        return html + "</ul>"
    }
}

/// Headline figures derived from a summary for the overview.
struct RunFigures {
    var requests: Int?
    var errors: Int?
    var meanRate: Double?
    var peakRate: Double?
    var primaryPeakRate: Double?
    var p99: Double?
    var primaryP99: Double?
    var errorRate: Double?
    var instances: (start: Int, end: Int, peak: Int)?

    var p99Ratio: Double? {
        guard let a = p99, let b = primaryP99, b > 0, a.isFinite, b.isFinite else { return nil }
        return a / b
    }

    init(_ s: RunSummary) {
        let secondary = s.timeline.secondary.filter { $0.rate.isFinite }
        if !s.routes.isEmpty {
            requests = s.routes.reduce(0) { $0 + $1.requests }
            errors = s.routes.reduce(0) { $0 + $1.errors }
            if let r = requests, r > 0, let e = errors { errorRate = Double(e) / Double(r) }
        } else if !secondary.isEmpty {
            let total = secondary.reduce(0.0) { $0 + $1.rate }
            requests = Int(total.rounded())
            let failed = secondary.reduce(0.0) { $0 + $1.rate * ($1.errorRate.isFinite ? $1.errorRate : 0) }
            errors = Int(failed.rounded())
            errorRate = total > 0 ? failed / total : 0
        }
        if !secondary.isEmpty {
            meanRate = secondary.reduce(0.0) { $0 + $1.rate } / Double(secondary.count)
            peakRate = secondary.map(\.rate).max()
        }
        primaryPeakRate = s.timeline.primary.map(\.rate).filter(\.isFinite).max()
        p99 = Self.percentile(99, in: s.latency.secondary)
        primaryP99 = Self.percentile(99, in: s.latency.primary)
        let start = s.meta.targets.first(where: { $0.role == .secondary })?.instances ?? s.scaling.first?.from
        if let start {
            let counts = [start] + s.scaling.map(\.to)
            instances = (start, s.scaling.last?.to ?? start, counts.max() ?? start)
        }
    }

    /// Latency at the first point at or above `p` percent.
    static func percentile(_ p: Double, in curve: [PercentilePoint]) -> Double? {
        let finite = curve.filter { $0.percentile.isFinite && $0.latencyMs.isFinite }.sorted { $0.percentile < $1.percentile }
        return (finite.first(where: { $0.percentile >= p - 1e-9 }) ?? finite.last)?.latencyMs
    }
}
