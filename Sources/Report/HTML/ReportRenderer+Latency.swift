import Foundation

extension ReportRenderer {
    func latencySection(_ s: RunSummary) -> String {
        guard !s.latency.isEmpty else {
            return empty("no latency histogram was recorded.")
        }
        var html = "<p class=\"lede\">Latency by percentile over the whole run, on the log scale of HDR plots: each step to the right adds a nine (90%, 99%, 99.9%…), so the tail is as visible as the median.</p>"
        var chart = LineChart(title: "Latency by percentile", xAxis: .percentile, xLabel: "percentile", yLabel: "latency (ms)")
        if !s.latency.primary.isEmpty {
            chart.series.append(ChartSeries(name: "primary", color: ReportPalette.primary,
                                            points: s.latency.primary.filter { $0.percentile < 100 }.map { ChartPoint(x: $0.percentile, y: $0.latencyMs) }))
        }
        if !s.latency.secondary.isEmpty {
            chart.series.append(ChartSeries(name: "secondary", color: ReportPalette.secondary,
                                            points: s.latency.secondary.filter { $0.percentile < 100 }.map { ChartPoint(x: $0.percentile, y: $0.latencyMs) }))
        }
        chart.yLog = LineChart.spansDecades((s.latency.primary + s.latency.secondary).map(\.latencyMs), ratio: 50)
        html += figure(chart, caption: "Latency percentile distribution" + (chart.yLog ? " (log latency scale: values span several decades)" : "") + "; the maximum is in the table")

        let levels: [Double] = [50, 90, 99, 99.9, 99.99, 100]
        let hasPrimary = !s.latency.primary.isEmpty, hasSecondary = !s.latency.secondary.isEmpty
        var header: [(String, Bool)] = [("Percentile", false)]
        if hasPrimary { header.append(("Primary", true)) }
        if hasSecondary { header.append(("Secondary", true)) }
        if hasPrimary && hasSecondary { header.append(("Ratio", true)) }
        let rows = levels.map { level -> String in
            let a = RunFigures.percentile(level, in: s.latency.primary)
            let b = RunFigures.percentile(level, in: s.latency.secondary)
            var row = "<tr>" + td(level == 100 ? "max" : NumberFormat.percentile(level))
            if hasPrimary { row += td(a.map(NumberFormat.latency) ?? "–", numeric: true) }
            if hasSecondary { row += td(b.map(NumberFormat.latency) ?? "–", numeric: true) }
            if hasPrimary && hasSecondary { row += ratioCell(a.flatMap { a in b.map { b in a > 0 ? b / a : .nan } }) }
            return row + "</tr>"
        }
        html += table(header: header, rows: rows)
        return html
    }

    /// A secondary/primary ratio cell, red when the secondary is clearly slower.
    func ratioCell(_ ratio: Double?) -> String {
        guard let ratio, ratio.isFinite else { return td("–", numeric: true) }
        let tone = ratio >= 1.5 ? "worse" : ratio <= 0.9 ? "better" : ""
        return td("×" + NumberFormat.trimmed(ratio), numeric: true, className: tone)
    }

    func routesSection(_ s: RunSummary) -> String {
        guard !s.routes.isEmpty else {
            return empty("no per-route results.")
        }
        let maxShare = s.routes.map(\.share).filter(\.isFinite).max() ?? 1
        var html = "<p class=\"lede\">Secondary results per route, busiest first. Ratio is the secondary's p99 over the primary's for the same route; significance comes from comparing the two latency distributions.</p>"
        let rows = s.routes.sorted { $0.requests > $1.requests }.map { r -> String in
            let width = maxShare > 0 && r.share.isFinite ? max(0, min(100, r.share / maxShare * 100)) : 0
            var row = "<tr>" + td(r.route, className: "route")
            row += td(NumberFormat.grouped(r.requests), numeric: true)
            row += td(NumberFormat.compact(r.rps), numeric: true)
            row += "<td class=\"num bar\"><i style=\"width:\(String(format: "%.1f", width))%\"></i><span>\(HTML.escape(NumberFormat.percent(r.share)))</span></td>"
            row += td(NumberFormat.latency(r.p50Ms), numeric: true)
            row += td(NumberFormat.latency(r.p90Ms), numeric: true)
            row += td(NumberFormat.latency(r.p99Ms), numeric: true)
            row += td(NumberFormat.latency(r.p999Ms), numeric: true)
            row += td(r.errors == 0 ? "0" : "\(NumberFormat.grouped(r.errors)) (\(NumberFormat.percent(r.errorRate)))", numeric: true, className: r.errors > 0 ? "bad" : "")
            row += ratioCell(r.latencyRatio)
            let significance: String
            switch (r.significant, r.pValue) {
            case (true?, let p): significance = "yes" + (p.map { " (p\(pValueText($0)))" } ?? "")
            case (false?, let p): significance = "no" + (p.map { " (p\(pValueText($0)))" } ?? "")
            case (nil, let p?): significance = "p\(pValueText(p))"
            case (nil, nil): significance = "–"
            }
            row += td(significance, numeric: true, className: r.significant == true ? "worse" : "")
            return row + "</tr>"
        }
        html += table(header: [("Route", false), ("Requests", true), ("rps", true), ("Share", true), ("p50", true), ("p90", true),
                               ("p99", true), ("p99.9", true), ("Errors", true), ("Sec/Prim p99", true), ("Significant", true)], rows: rows)
        return html
    }

    private func pValueText(_ p: Double) -> String {
        guard p.isFinite else { return "–" }
        return p < 0.001 ? "<0.001" : "=" + String(format: "%.3f", p)
    }
}
