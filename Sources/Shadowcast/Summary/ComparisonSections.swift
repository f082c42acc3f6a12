import Foundation
import Monitor
import Report

/// The report sections that compare a secondary with a primary, shared by the demo and
/// `shadow --report-dir`: route rows, latency curves and the findings of a ``ComparisonReport``
/// (the bottleneck first).
enum ComparisonSections {
    /// One row per route that reached the secondary, busiest first, with its comparison to the primary.
    static func routes(secondary: RunResults, comparison: ComparisonReport) -> [RouteRow] {
        let byRoute = Dictionary(comparison.routes.map { ($0.route, $0) }, uniquingKeysWith: { a, _ in a })
        let total = Double(max(1, secondary.requests))
        return (secondary.routes ?? [:]).sorted { $0.value.requests > $1.value.requests }.map { name, results in
            let compared = byRoute[name]
            return RouteRow(
                route: name, requests: Int(results.requests), rps: results.rps, p50Ms: results.latencyMs.p50,
                p90Ms: results.latencyMs.p90, p99Ms: results.latencyMs.p99, p999Ms: results.latencyMs.p999,
                errors: Int(results.errorCount), share: Double(results.requests) / total,
                latencyRatio: compared.map { $0.p99Ratio }, pValue: compared.map { $0.latencyPValue },
                significant: compared.map { $0.latencyRegression || $0.verdict == .improvement })
        }
    }

    /// Percentiles of the latency curves.
    static let percentileLevels: [Double] = [0, 10, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 99.99, 100]

    /// The percentile curves of both sides.
    static func latency(primary: LatencyBuckets, secondary: LatencyBuckets) -> LatencyDistribution {
        LatencyDistribution(primary: percentiles(primary), secondary: percentiles(secondary))
    }

    static func percentiles(_ buckets: LatencyBuckets) -> [PercentilePoint] {
        guard buckets.totalCount > 0 else { return [] }
        return percentileLevels.map { PercentilePoint(percentile: $0, latencyMs: Double(buckets.quantile($0 / 100)) / 1000) }
    }

    /// The comparison's findings for the report: the bottleneck, Monitor's findings (no
    /// "no regression" once something else was found) and the routes too sparse to compare.
    static func findings(_ comparison: ComparisonReport, load: String = "the forecast load") -> [Report.Finding] {
        var out: [Report.Finding] = []
        if let bottleneck = bottleneck(comparison, load: load) {
            out.append(bottleneck)
        }
        for finding in comparison.findings where finding.kind != .insufficientData && (finding.kind != .noRegression || out.isEmpty) {
            out.append(Report.Finding(severity: severity(finding.severity), sentence: finding.message))
        }
        let sparse = comparison.routes.filter { $0.verdict == .insufficientData }.map(\.route)
        if !sparse.isEmpty {
            out.append(Report.Finding(
                severity: .info,
                sentence: "\(sparse.count) route(s) had too few requests on one side to compare: \(sparse.sorted().joined(separator: ", "))."))
        }
        return out
    }

    /// The bottleneck (`load` names what the secondary was under, for the sentence): of the
    /// routes that regressed on the secondary (latency or errors), the one that took the largest
    /// share of its workers' time — requests on the secondary × the route's median latency on the
    /// primary (its cost per request; the median, unlike the mean, is not moved by a few stalled
    /// seconds on a busy machine). Every route queues when the workers are all busy, so the route
    /// that slowed most in ratio is often a cheap one waiting in line (a 0.5 ms static file); the
    /// route that fills the workers is the one to fix or to give its own capacity.
    static func bottleneck(_ comparison: ComparisonReport, load: String = "the forecast load") -> Report.Finding? {
        let work = comparison.routes.map { route in (route: route, ms: Double(route.secondaryRequests) * route.primaryP50) }
        let total = work.reduce(0) { $0 + $1.ms }
        guard total > 0,
              let top = work.filter({ $0.route.verdict == .regression || $0.route.errorRegression }).max(by: { $0.ms < $1.ms })
        else { return nil }
        let route = top.route
        let share = top.ms / total
        let head = String(format: "Bottleneck: %@ took %.0f%% of the secondary's worker time (%llu requests × %.0f ms, its median on the primary); ",
                          route.route, share * 100, route.secondaryRequests, route.primaryP50)
        // A route the secondary never answered has no latency to compare: say so instead of "0 ms".
        let tail = route.secondaryP99 > 0
            ? String(format: "under %@ its p99 rose to %.0f ms vs %.0f ms on the primary (%.1fx), errors %.1f%% vs %.1f%%.",
                     load, route.secondaryP99, route.primaryP99, route.p99Ratio, route.secondaryErrorRate * 100, route.primaryErrorRate * 100)
            : String(format: "under %@ it answered none of them (errors %.1f%% vs %.1f%% on the primary).",
                     load, route.secondaryErrorRate * 100, route.primaryErrorRate * 100)
        return Report.Finding(
            severity: route.p99Ratio >= 2 || route.errorRegression ? .critical : .warning,
            sentence: head + tail,
            numbers: [.init(name: "worker_time_share", value: share), .init(name: "p99_ratio", value: route.p99Ratio),
                      .init(name: "secondary_p99", value: route.secondaryP99, unit: "ms")])
    }

    /// Monitor's severity as the report's.
    static func severity(_ s: Monitor.Finding.Severity) -> Report.Finding.Severity {
        switch s.rawValue {
        case "critical": .critical
        case "warning": .warning
        default: .info
        }
    }
}
