import Foundation

extension ReportRenderer {
    func scalingSection(_ s: RunSummary) -> String {
        guard !s.scaling.isEmpty else {
            return empty("the autoscaler took no action (it was off, or the load never crossed a policy's limit).")
        }
        var html = "<p class=\"lede\">Instances of the secondary over the run, as the autoscaler asked for them through its hook.</p>"
        let actions = s.scaling.sorted { $0.t < $1.t }
        let start = s.meta.targets.first(where: { $0.role == .secondary })?.instances ?? actions[0].from
        var points = [ChartPoint(x: 0, y: Double(start))]
        for action in actions {
            points.append(ChartPoint(x: action.t, y: Double(action.hook.succeeded ? action.to : action.from)))
        }
        var chart = LineChart(title: "Instances over time", xAxis: .runSeconds, xLabel: "time since start (m:ss)", yLabel: "instances")
        chart.height = 220
        chart.yFormat = { $0 == $0.rounded() ? String(Int($0)) : "" }
        chart.series = [ChartSeries(name: "instances", color: ReportPalette.scaling, width: 2.5, stepped: true, points: points)]
        let endT = max(s.meta.durationSeconds, actions.last?.t ?? 0)
        if endT > (actions.last?.t ?? 0) { chart.series[0].points.append(ChartPoint(x: endT, y: points.last?.y ?? Double(start))) }
        chart.markers = s.events.map { ChartMarker(x: $0.t, label: $0.name, color: ReportPalette.event) }
        html += figure(chart, caption: "Instances of the secondary (failed hooks leave the count unchanged)")
        let rows = actions.map { a -> String in
            var hook = a.hook.succeeded ? "ok" : "failed"
            if let code = a.hook.code { hook += " (\(code))" }
            if let ms = a.hook.durationMs { hook += ", \(NumberFormat.latency(ms))" }
            if let message = a.hook.message, !message.isEmpty { hook += ": " + message }
            return "<tr>" + td(NumberFormat.clock(a.t), numeric: true) + td("\(a.from) → \(a.to)", numeric: true) + td(a.policy)
                + td(a.reason) + td(hook, className: a.hook.succeeded ? "ok" : "bad") + "</tr>"
        }
        html += table(header: [("Time", true), ("Instances", true), ("Policy", false), ("Reason", false), ("Hook", false)], rows: rows)
        return html
    }

    func faultsSection(_ s: RunSummary) -> String {
        guard !s.faults.isEmpty else {
            return empty("no faults were injected.")
        }
        var html = "<p class=\"lede\">Faults injected into the secondary and how it coped.</p>"
        let rows = s.faults.map { f -> String in
            var window = "–"
            if let first = f.firstT { window = NumberFormat.clock(first) + (f.lastT.map { " – " + NumberFormat.clock($0) } ?? "") }
            return "<tr>" + td(f.kind, className: "route") + td(NumberFormat.grouped(f.count), numeric: true) + td(window, numeric: true)
                + td(f.errorsCaused.map(NumberFormat.grouped) ?? "–", numeric: true, className: (f.errorsCaused ?? 0) > 0 ? "bad" : "")
                + td(f.outcome) + "</tr>"
        }
        html += table(header: [("Fault", false), ("Injected", true), ("When", true), ("Errors caused", true), ("Outcome", false)], rows: rows)
        return html
    }

    func eventsSection(_ s: RunSummary) -> String {
        guard !s.events.isEmpty else {
            return empty("the run followed no scenario.")
        }
        let rows = s.events.sorted { $0.t < $1.t }.map { e in
            "<tr>" + td(NumberFormat.clock(e.t), numeric: true) + td(e.name) + td(e.detail) + "</tr>"
        }
        return "<p class=\"lede\">What the scenario did, on the run's clock (also marked on the charts above).</p>"
            + table(header: [("Time", true), ("Event", false), ("Detail", false)], rows: rows)
    }
}
