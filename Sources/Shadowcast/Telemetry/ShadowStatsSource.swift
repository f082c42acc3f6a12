import Foundation
import Shadow
import Synchronization
import Telemetry

/// The shadow proxy's counters as Prometheus families (`shadowcast_shadow_*`), served by
/// ``MetricsExporter`` for `shadow --metrics-port`: requests, primary responses and failures,
/// mirrored requests sampled, completed and dropped by reason, status mismatches, records, and
/// the primary's and secondary's latency quantiles. It serves the last snapshot handed to
/// ``update(_:)``; ``ShadowStatsSource/poll(_:every:)`` keeps it fresh from a running proxy.
public final class ShadowStatsSource: PrometheusTextSource {
    private let latest = Mutex<ShadowStats?>(nil)

    public init() {}

    /// Replaces the snapshot served from now on.
    public func update(_ stats: ShadowStats) {
        latest.withLock { $0 = stats }
    }

    /// Re-reads `proxy`'s counters every `interval` until the task is cancelled or the proxy
    /// stops answering (it has shut down).
    public func poll(_ proxy: ShadowProxy, every interval: Duration = .seconds(1)) async {
        while !Task.isCancelled {
            guard let stats = try? await proxy.stats() else { return }
            update(stats)
            try? await Task.sleep(for: interval)
        }
    }

    public func emitPrometheusText(into buffer: inout [UInt8]) {
        guard let stats = latest.withLock({ $0 }) else { return }
        var text = ""
        func counter(_ name: String, _ help: String, _ samples: [(labels: String, value: Int)]) {
            text += "# HELP shadowcast_shadow_\(name) \(help)\n# TYPE shadowcast_shadow_\(name) counter\n"
            for sample in samples { text += "shadowcast_shadow_\(name)\(sample.labels) \(sample.value)\n" }
        }
        counter("client_connections_total", "Client connections accepted.", [("", stats.clientConnections)])
        counter("requests_total", "Requests received from clients.", [("", stats.requests)])
        counter("primary_responses_total", "Complete primary responses delivered to clients.", [("", stats.primaryResponses)])
        counter("primary_failures_total", "Requests the primary did not answer completely.", [("", stats.primaryFailures)])
        counter("mirror_sampled_total", "Requests chosen for mirroring to the secondary.", [("", stats.mirrorSampled)])
        counter("mirror_completed_total", "Mirrored requests the secondary answered completely.", [("", stats.mirrorCompleted)])
        counter("mirror_dropped_total", "Sampled requests without a complete secondary response, by reason.",
                ShadowFailure.allCases.map { ("{reason=\"\($0.rawValue)\"}", stats.mirrorDrops[$0] ?? 0) })
        counter("status_mismatches_total", "Mirrored requests whose secondary status differed from the primary's.", [("", stats.statusMismatches)])
        counter("records_total", "Exchanges handed to the live profile, by outcome.",
                [("{outcome=\"emitted\"}", stats.recordsEmitted), ("{outcome=\"dropped\"}", stats.recordsDropped)])
        text += "# HELP shadowcast_shadow_latency_seconds Upstream latency seen by the proxy, by side.\n"
        text += "# TYPE shadowcast_shadow_latency_seconds summary\n"
        for (side, histogram) in [("primary", stats.primaryLatencyMicros), ("secondary", stats.secondaryLatencyMicros)] {
            guard histogram.totalCount > 0 else { continue }
            for quantile in [0.5, 0.9, 0.99] {
                let seconds = Double(histogram.valueAtPercentile(quantile * 100)) / 1e6
                text += "shadowcast_shadow_latency_seconds{side=\"\(side)\",quantile=\"\(quantile)\"} \(seconds)\n"
            }
            text += "shadowcast_shadow_latency_seconds_sum{side=\"\(side)\"} \(histogram.mean * Double(histogram.totalCount) / 1e6)\n"
            text += "shadowcast_shadow_latency_seconds_count{side=\"\(side)\"} \(histogram.totalCount)\n"
        }
        buffer.append(contentsOf: text.utf8)
    }
}
