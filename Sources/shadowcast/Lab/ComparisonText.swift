import Foundation
import Monitor

/// The text form of a comparison report: a route table, then the findings.
enum ComparisonText {
    static func render(_ report: ComparisonReport) -> String {
        var lines: [String] = []
        let header = ["route", "requests P/S", "p50 ms P→S", "ratio", "p99 ms P→S", "ratio", "errors P→S", "p (lat)", "verdict"]
        var rows: [[String]] = []
        for route in [report.overall] + report.routes {
            rows.append([
                route.route == "*" ? "(all)" : route.route,
                "\(route.primaryRequests)/\(route.secondaryRequests)",
                String(format: "%.2f→%.2f", route.primaryP50, route.secondaryP50),
                String(format: "%.2f×", route.p50Ratio),
                String(format: "%.1f→%.1f", route.primaryP99, route.secondaryP99),
                String(format: "%.2f×", route.p99Ratio),
                String(format: "%.2f%%→%.2f%%", route.primaryErrorRate * 100, route.secondaryErrorRate * 100),
                route.latencyPValue < 0.001 ? "<0.001" : String(format: "%.3f", route.latencyPValue),
                route.verdict.rawValue,
            ])
        }
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
        lines.append(line(header))
        lines += rows.map(line)
        lines.append("")
        lines.append(String(format: "load: secondary/primary rate %.2f× (%@)", report.loadRatio, report.loadMatched ? "matched" : "NOT matched"))
        lines.append("findings:")
        lines += report.findings.map { "  - \($0)" }
        return lines.joined(separator: "\n")
    }
}
