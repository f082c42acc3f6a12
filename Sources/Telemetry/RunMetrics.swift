import Prometheus
import Synchronization

/// The engine's own metrics while it sends load, as Prometheus series in a registry (served by
/// ``MetricsExporter`` with `--metrics-port`). Every series carries a `run` label naming what
/// produced it (`load`, `run`, `bench`, `demo-secondary`, …).
///
/// | series | type | meaning |
/// | --- | --- | --- |
/// | `shadowcast_requests_sent_total` | counter | requests written to the target |
/// | `shadowcast_responses_total` | counter | responses received (any status) |
/// | `shadowcast_request_errors_total{kind}` | counter | failed requests by kind (`refused`, `reset`, `timeout`, `closed_early`, `parse`, `other`) |
/// | `shadowcast_late_sends_total` | counter | requests sent later than the late threshold (open model) |
/// | `shadowcast_faults_injected_total{kind}` | counter | fault-injected requests by fault kind (`run`, `demo`) |
/// | `shadowcast_response_rate_per_second` | gauge | responses per second over the last interval |
/// | `shadowcast_send_rate_per_second` | gauge | requests sent per second over the last interval |
/// | `shadowcast_latency_mean_seconds` | gauge | mean latency of the last interval |
/// | `shadowcast_in_flight_requests` | gauge | sent, not yet answered, failed or faulted |
/// | `shadowcast_run_elapsed_seconds` | gauge | seconds since the run started |
/// | `shadowcast_run_active` | gauge | 1 while the run sends, 0 after |
/// | `shadowcast_runs_started_total` | counter | runs (steps for `bench`) started |
/// | `shadowcast_request_latency_seconds` | summary | latency from the intended send time: `_sum` and `_count` live, quantiles 0.5/0.9/0.99/0.999 once the run ended (from its HDR histogram) |
///
/// Counters only grow: several runs under one label (the steps of `bench`) add up.
public final class RunMetrics: PrometheusTextSource {
    /// The registry the series live in.
    public let registry: PrometheusCollectorRegistry
    private let summaries = Mutex<[String: LatencySummaryState]>([:])

    /// Creates the run metrics in `registry` (the exporter's shared one by default).
    public init(registry: PrometheusCollectorRegistry = MetricsExporter.sharedRegistry) {
        self.registry = registry
    }

    /// Starts recording one run under the label `run="<name>"`.
    public func begin(run name: String) -> RunRecorder {
        counter("runs_started", "Runs (bench: steps) started.", name).increment()
        summaries.withLock { state in
            if state[name] == nil { state[name] = LatencySummaryState() }
            state[name]!.quantiles = nil
        }
        return RunRecorder(metrics: self, name: name)
    }

    // MARK: Series

    func counter(_ name: String, _ help: String, _ run: String, _ extra: [(String, String)] = []) -> Counter {
        registry.makeCounter(
            descriptor: MetricNameDescriptor(namespace: "shadowcast", metricName: name, unitName: "total", helpText: help),
            labels: [("run", run)] + extra)
    }

    func gauge(_ name: String, _ unit: String, _ help: String, _ run: String) -> Gauge {
        registry.makeGauge(
            descriptor: MetricNameDescriptor(namespace: "shadowcast", metricName: name, unitName: unit, helpText: help),
            labels: [("run", run)])
    }

    func addLatency(run: String, count: UInt64, sumSeconds: Double) {
        summaries.withLock { state in
            state[run, default: LatencySummaryState()].count += count
            state[run, default: LatencySummaryState()].sumSeconds += sumSeconds
        }
    }

    func setQuantiles(run: String, _ quantiles: RunLatencyQuantiles) {
        summaries.withLock { $0[run, default: LatencySummaryState()].quantiles = quantiles }
    }

    /// Name of the latency summary family.
    static let latencyFamily = "shadowcast_request_latency_seconds"

    /// Appends the latency summary (swift-prometheus has no summary type).
    public func emitPrometheusText(into buffer: inout [UInt8]) {
        let state = summaries.withLock { $0 }
        guard !state.isEmpty else { return }
        var text = "# HELP \(Self.latencyFamily) Latency from the intended send time; quantiles appear when a run has ended.\n"
        text += "# TYPE \(Self.latencyFamily) summary\n"
        for (run, summary) in state.sorted(by: { $0.key < $1.key }) {
            let label = "run=\"\(PrometheusLabel.escape(run))\""
            for (quantile, seconds) in summary.quantiles?.values ?? [] {
                text += "\(Self.latencyFamily){\(label),quantile=\"\(PrometheusLabel.number(quantile))\"} \(PrometheusLabel.number(seconds))\n"
            }
            text += "\(Self.latencyFamily)_sum{\(label)} \(PrometheusLabel.number(summary.sumSeconds))\n"
            text += "\(Self.latencyFamily)_count{\(label)} \(summary.count)\n"
        }
        buffer.append(contentsOf: text.utf8)
    }
}

/// The latency summary of one `run` label.
struct LatencySummaryState: Sendable {
    var count: UInt64 = 0
    var sumSeconds = 0.0
    var quantiles: RunLatencyQuantiles?
}

/// Formatting of label values and numbers in the text exposition.
enum PrometheusLabel {
    static func escape(_ value: String) -> String {
        var out = ""
        for character in value {
            switch character {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(character)
            }
        }
        return out
    }

    static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        return "\(value)"
    }
}
