import Foundation

/// Renders a ``RunSummary`` as one self-contained HTML page.
///
/// The page loads nothing: styles are inline, charts are inline SVG drawn by this module, and
/// there are no scripts, web fonts or remote images, so it opens offline and prints cleanly.
/// Every string that came from a run (routes, reasons, findings, URLs) is HTML-escaped.
/// Sections without data say so instead of drawing an empty chart.
public struct ReportRenderer: Sendable {
    /// Page title shown in the header and the browser tab.
    public var title: String

    /// Creates a renderer.
    public init(title: String = "Shadowcast report") {
        self.title = title
    }

    /// The complete HTML document.
    public func render(_ summary: RunSummary) -> String {
        let sections: [(id: String, name: String, html: String)] = [
            ("overview", "Overview", overviewSection(summary)),
            ("findings", "Findings", findingsSection(summary)),
            ("traffic", "Traffic & forecast", trafficSection(summary)),
            ("load", "Rate & latency", loadSection(summary)),
            ("latency", "Latency distribution", latencySection(summary)),
            ("routes", "Routes", routesSection(summary)),
            ("scaling", "Scaling", scalingSection(summary)),
            ("faults", "Faults", faultsSection(summary)),
            ("events", "Scenario", eventsSection(summary)),
        ]
        var html = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="generator" content="\(HTML.escape(summary.meta.tool)) \(HTML.escape(summary.meta.toolVersion))">
        <title>\(HTML.escape(title))</title>
        <style>\(ReportStyle.css)</style>
        </head>
        <body>
        <header class="top"><div class="wrap">
        <h1>\(HTML.escape(title))</h1>
        <div class="sub">\(headerLine(summary))</div>
        </div></header>
        <nav class="toc" aria-label="Sections"><div class="wrap">
        """
        for section in sections {
            html += "<a href=\"#\(section.id)\">\(HTML.escape(section.name))</a>"
        }
        html += "</div></nav>\n<main><div class=\"wrap\">\n"
        for section in sections {
            html += "<section class=\"card\" id=\"\(section.id)\">\n<h2>\(HTML.escape(section.name))</h2>\n\(section.html)\n</section>\n"
        }
        html += """
        </div></main>
        <footer><div class="wrap">Written by \(HTML.escape(summary.meta.tool)) \(HTML.escape(summary.meta.toolVersion)) · summary.json schema version \(summary.schemaVersion) · all times UTC; run-relative times are m:ss since the start.</div></footer>
        </body>
        </html>

        """
        return html
    }

    private func headerLine(_ s: RunSummary) -> String {
        let day = DateFormatter(), time = DateFormatter()
        for f in [day, time] {
            f.locale = Locale(identifier: "en_US_POSIX")
            f.timeZone = TimeZone(identifier: "UTC")
        }
        day.dateFormat = "EEE d MMM yyyy, HH:mm:ss"
        time.dateFormat = "HH:mm:ss"
        let sameDay = (s.meta.started.timeIntervalSince1970 / 86400).rounded(.down) == (s.meta.ended.timeIntervalSince1970 / 86400).rounded(.down)
        let end = sameDay ? time.string(from: s.meta.ended) : day.string(from: s.meta.ended)
        var parts = ["\(day.string(from: s.meta.started)) – \(end) UTC (\(NumberFormat.clock(s.meta.durationSeconds)))"]
        if !s.meta.command.isEmpty {
            parts.append("<code>\(HTML.escape(s.meta.command.joined(separator: " ")))</code>")
        }
        return parts.joined(separator: " · ")
    }

    // MARK: Shared pieces

    /// The note shown in place of a chart or table when a section has no data.
    func empty(_ text: String) -> String {
        "<p class=\"empty\">No data: \(HTML.escape(text))</p>"
    }

    func legend(_ items: [(name: String, color: String, style: String)]) -> String {
        var html = "<ul class=\"legend\">"
        for item in items {
            if item.style == "area" {
                html += "<li><span class=\"swatch area\" style=\"background:\(item.color);opacity:.35\"></span>\(HTML.escape(item.name))</li>"
            } else {
                html += "<li><span class=\"swatch \(item.style)\" style=\"border-top-color:\(item.color)\"></span>\(HTML.escape(item.name))</li>"
            }
        }
        return html + "</ul>"
    }

    func legend(for chart: LineChart) -> String {
        var items: [(String, String, String)] = chart.bands.map { ($0.name, $0.color, "area") }
        for s in chart.series where !s.points.isEmpty {
            let style: String
            switch s.stroke {
            case .solid: style = ""
            case .dashed: style = "dashed"
            case .dotted: style = "dotted"
            }
            items.append((s.name, s.color, style))
        }
        return legend(items)
    }

    /// A chart in a figure with caption, legend and a note about left-out values.
    func figure(_ chart: LineChart, caption: String) -> String {
        let rendered = chart.render()
        let small = chart.compactVariant().render()
        var html = "<figure><figcaption>\(HTML.escape(caption))</figcaption>\(legend(for: chart))\(rendered.svg)\(small.svg)"
        if rendered.droppedPoints > 0 {
            let noun = rendered.droppedPoints == 1 ? "value that was" : "values that were"
            html += "<p class=\"note\">\(rendered.droppedPoints) \(noun) not a finite number (NaN or infinite) left out of this chart.</p>"
        }
        return html + "</figure>"
    }

    func table(header: [(String, Bool)], rows: [String], className: String = "") -> String {
        var html = "<div class=\"table-wrap\"><table class=\"\(className)\"><thead><tr>"
        for (name, numeric) in header {
            html += numeric ? "<th class=\"num\">\(HTML.escape(name))</th>" : "<th>\(HTML.escape(name))</th>"
        }
        html += "</tr></thead><tbody>" + rows.joined() + "</tbody></table></div>"
        return html
    }

    func td(_ text: String, numeric: Bool = false, className: String = "") -> String {
        let classes = [numeric ? "num" : "", className].filter { !$0.isEmpty }.joined(separator: " ")
        return classes.isEmpty ? "<td>\(HTML.escape(text))</td>" : "<td class=\"\(classes)\">\(HTML.escape(text))</td>"
    }
}
