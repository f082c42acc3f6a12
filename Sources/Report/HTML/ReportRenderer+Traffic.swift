import Foundation

extension ReportRenderer {
    func trafficSection(_ s: RunSummary) -> String {
        var html = ""
        if let traffic = s.traffic, !(traffic.history.isEmpty && traffic.actual.isEmpty && (traffic.forecast?.points.isEmpty ?? true)) {
            let stepText = traffic.stepSeconds >= 3600 ? "\(NumberFormat.trimmed(traffic.stepSeconds / 3600)) h" : "\(NumberFormat.trimmed(traffic.stepSeconds)) s"
            html += "<p class=\"lede\">Requests per \(stepText) step: the observed history, the forecast with its uncertainty band, and what actually came.</p>"
            var chart = LineChart(title: "Traffic history and forecast", xAxis: .wallClock, xLabel: "time (UTC)", yLabel: "requests per step", yUnit: "requests")
            func points(_ values: [TrafficPoint]) -> [ChartPoint] {
                values.map { ChartPoint(x: $0.time.timeIntervalSince1970, y: $0.count) }
            }
            chart.series.append(ChartSeries(name: "observed history", color: ReportPalette.history, width: 1.6, points: points(traffic.history)))
            if let forecast = traffic.forecast {
                if let lower = forecast.values(atQuantile: forecast.band.lower), let upper = forecast.values(atQuantile: forecast.band.upper) {
                    let pct = NumberFormat.trimmed((forecast.band.upper - forecast.band.lower) * 100)
                    chart.bands.append(ChartBand(
                        name: "forecast \(pct)% band (q\(NumberFormat.trimmed(forecast.band.lower)) – q\(NumberFormat.trimmed(forecast.band.upper)))",
                        color: ReportPalette.forecast,
                        lower: lower.map { ChartPoint(x: $0.time.timeIntervalSince1970, y: $0.value) },
                        upper: upper.map { ChartPoint(x: $0.time.timeIntervalSince1970, y: $0.value) }))
                }
                if let median = forecast.medianQuantile, let values = forecast.values(atQuantile: median) {
                    chart.series.append(ChartSeries(
                        name: "forecast q\(NumberFormat.trimmed(median)) (\(forecast.model))", color: ReportPalette.forecast, stroke: .dashed,
                        points: values.map { ChartPoint(x: $0.time.timeIntervalSince1970, y: $0.value) }))
                }
                if let first = forecast.points.first {
                    chart.markers.append(ChartMarker(x: first.time.timeIntervalSince1970, label: "forecast starts", color: ReportPalette.forecast))
                }
            }
            chart.series.append(ChartSeries(name: "actual", color: ReportPalette.actual, width: 2, points: points(traffic.actual)))
            html += figure(chart, caption: "Traffic per step, observed and forecast")
        } else {
            html += empty("no traffic history or forecast in this run (it did not profile a log or forecast).")
        }

        html += "<h3>Forecast backtest</h3>"
        if let backtest = s.backtest, !backtest.rows.isEmpty {
            html += "<p class=\"lede\">Each model forecast held-out history; lower MASE, sMAPE and pinball loss are better, coverage should be close to the band's nominal level. Chosen: <strong>\(HTML.escape(backtest.chosen))</strong> — \(HTML.escape(backtest.reason))</p>"
            let rows = backtest.rows.map { row in
                "<tr class=\"\(row.model == backtest.chosen ? "chosen" : "")\">" + td(row.model + (row.model == backtest.chosen ? " ✓" : ""))
                    + td(NumberFormat.trimmed(row.mase), numeric: true)
                    + td(NumberFormat.percent(row.smape), numeric: true)
                    + td(row.pinball.map(NumberFormat.compact) ?? "–", numeric: true)
                    + td(row.coverage.map(NumberFormat.percent) ?? "–", numeric: true) + "</tr>"
            }
            html += table(header: [("Model", false), ("MASE", true), ("sMAPE", true), ("Pinball", true), ("Coverage", true)], rows: rows)
        } else {
            html += empty("no backtest was run.")
        }
        return html
    }

    func loadSection(_ s: RunSummary) -> String {
        guard !s.timeline.isEmpty else {
            return empty("no per-second measurements (the run sent no load).")
        }
        let hasPrimary = !s.timeline.primary.isEmpty
        var html = "<p class=\"lede\">Per second, on the run's clock. \(hasPrimary ? "Orange is the secondary, grey the primary." : "Only one target was measured.")</p>"
        let eventMarkers = s.events.map { ChartMarker(x: $0.t, label: $0.name, color: ReportPalette.event) }
        let scalingMarkers = s.scaling.map { ChartMarker(x: $0.t, label: "\($0.from)→\($0.to)", color: ReportPalette.scaling) }
        func series(_ samples: [SecondSample], _ name: String, _ color: String, _ value: (SecondSample) -> Double, stroke: StrokeStyle = .solid) -> ChartSeries {
            ChartSeries(name: name, color: color, stroke: stroke, points: samples.map { ChartPoint(x: $0.t, y: value($0)) })
        }

        var rate = LineChart(title: "Request rate over time", xAxis: .runSeconds, xLabel: "time since start (m:ss)", yLabel: "requests / s", yUnit: "rps")
        if hasPrimary { rate.series.append(series(s.timeline.primary, "primary rate", ReportPalette.primary, { $0.rate })) }
        rate.series.append(series(s.timeline.secondary, "secondary rate", ReportPalette.secondary, { $0.rate }))
        rate.markers = eventMarkers + scalingMarkers
        html += figure(rate, caption: "Request rate (responses per second)" + (scalingMarkers.isEmpty ? "" : "; green lines are scaling actions"))

        var latency = LineChart(title: "Latency over time", xAxis: .runSeconds, xLabel: "time since start (m:ss)", yLabel: "latency (ms)", yUnit: "ms")
        // Runs that measure only a mean per second (load, run) chart the mean, not zeros.
        var plotted: [Double] = []
        var kinds: Set<String> = []
        for (samples, role, color) in [(s.timeline.primary, "primary", ReportPalette.primary), (s.timeline.secondary, "secondary", ReportPalette.secondary)] where !samples.isEmpty {
            if samples.contains(where: \.hasPercentiles) {
                latency.series.append(series(samples, "\(role) p99", color, { $0.p99Ms }))
                latency.series.append(series(samples, "\(role) p50", color, { $0.p50Ms }, stroke: .dashed))
                plotted += samples.flatMap { [$0.p50Ms, $0.p99Ms] }
                kinds.insert("percentiles")
            } else if samples.contains(where: { $0.meanMs != nil }) {
                latency.series.append(series(samples, "\(role) mean", color, { $0.meanMs ?? 0 }))
                plotted += samples.compactMap(\.meanMs)
                kinds.insert("mean")
            }
        }
        latency.markers = eventMarkers
        latency.yFormat = { NumberFormat.compact($0) }
        latency.yLog = LineChart.spansDecades(plotted)
        let what = kinds == ["mean"] ? "Mean latency per second (this run measures percentiles over the whole run only: see the distribution below)"
            : kinds.contains("mean") ? "Latency per second: p99 solid, p50 dashed; mean where only a mean was measured"
            : "Latency per second: p99 solid, p50 dashed"
        if !latency.series.isEmpty {
            html += figure(latency, caption: what + (latency.yLog ? " (log scale: values span several decades)" : ""))
        }

        var errors = LineChart(title: "Error rate over time", xAxis: .runSeconds, xLabel: "time since start (m:ss)", yLabel: "errors (%)", yUnit: "%")
        errors.height = 210
        if hasPrimary { errors.series.append(series(s.timeline.primary, "primary errors", ReportPalette.primary, { $0.errorRate * 100 })) }
        errors.series.append(series(s.timeline.secondary, "secondary errors", ReportPalette.secondary, { $0.errorRate * 100 }))
        errors.markers = eventMarkers
        html += figure(errors, caption: "Share of responses that failed (5xx, timeouts, connection errors)")
        return html
    }
}
