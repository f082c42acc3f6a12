import Foundation
import Prometheus
import Testing
@testable import Telemetry

@Suite("run metrics")
struct RunMetricsTests {
    /// The value of the exposition line `series` (name with labels), if present.
    static func value(_ text: String, _ series: String) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(series + " ") {
            return Double(line.dropFirst(series.count + 1))
        }
        return nil
    }

    @Test("cumulative progress becomes exact counter increments; gauges follow the last interval")
    func records() {
        let metrics = RunMetrics(registry: PrometheusCollectorRegistry())
        let recorder = metrics.begin(run: "load")
        recorder.record(RunProgress(elapsedSeconds: 1, sent: 100, answered: 90, late: 2, errors: ["timeout": 1],
                                    faults: ["reset": 3], latencySumSeconds: 0.9, answerRate: 90, sendRate: 100,
                                    intervalMeanLatencySeconds: 0.01))
        recorder.record(RunProgress(elapsedSeconds: 2, sent: 250, answered: 230, late: 5, errors: ["timeout": 4, "reset": 1],
                                    faults: ["reset": 7], latencySumSeconds: 3.7, answerRate: 140, sendRate: 150,
                                    intervalMeanLatencySeconds: 0.02))
        let text = String(decoding: MetricsExporter.exposition(registry: metrics.registry, sources: [metrics]), as: UTF8.self)
        #expect(Self.value(text, #"shadowcast_requests_sent_total{run="load"}"#) == 250)
        #expect(Self.value(text, #"shadowcast_responses_total{run="load"}"#) == 230)
        #expect(Self.value(text, #"shadowcast_late_sends_total{run="load"}"#) == 5)
        #expect(Self.value(text, #"shadowcast_request_errors_total{run="load",kind="timeout"}"#) == 4)
        #expect(Self.value(text, #"shadowcast_request_errors_total{run="load",kind="reset"}"#) == 1)
        #expect(Self.value(text, #"shadowcast_request_errors_total{run="load",kind="parse"}"#) == 0)
        #expect(Self.value(text, #"shadowcast_faults_injected_total{run="load",kind="reset"}"#) == 7)
        #expect(Self.value(text, #"shadowcast_response_rate_per_second{run="load"}"#) == 140)
        #expect(Self.value(text, #"shadowcast_send_rate_per_second{run="load"}"#) == 150)
        #expect(Self.value(text, #"shadowcast_latency_mean_seconds{run="load"}"#) == 0.02)
        // 250 sent − 230 answered − 5 errors − 7 faulted
        #expect(Self.value(text, #"shadowcast_in_flight_requests{run="load"}"#) == 8)
        #expect(Self.value(text, #"shadowcast_run_active{run="load"}"#) == 1)
        #expect(text.contains("# TYPE shadowcast_request_latency_seconds summary"))
        #expect(Self.value(text, #"shadowcast_request_latency_seconds_count{run="load"}"#) == 230)
        #expect(abs((Self.value(text, #"shadowcast_request_latency_seconds_sum{run="load"}"#) ?? 0) - 3.7) < 1e-9)
        #expect(!text.contains("quantile="))  // quantiles only once the run ended
    }

    @Test("finish records the final totals and quantiles and marks the run inactive; counters never go back")
    func finishes() {
        let metrics = RunMetrics(registry: PrometheusCollectorRegistry())
        let recorder = metrics.begin(run: "bench")
        recorder.record(RunProgress(elapsedSeconds: 1, sent: 100, answered: 100, latencySumSeconds: 1, answerRate: 100))
        recorder.record(RunProgress(elapsedSeconds: 1.5, sent: 90, answered: 95))  // stale value: ignored
        recorder.finish(RunProgress(elapsedSeconds: 2, sent: 200, answered: 198, errors: ["refused": 2], latencySumSeconds: 2),
                        latency: RunLatencyQuantiles([(0.5, 0.004), (0.99, 0.012)]))
        // A second step under the same label adds to the counters.
        let next = metrics.begin(run: "bench")
        next.finish(RunProgress(elapsedSeconds: 1, sent: 10, answered: 10, latencySumSeconds: 0.1), latency: nil)
        let text = String(decoding: MetricsExporter.exposition(registry: metrics.registry, sources: [metrics]), as: UTF8.self)
        #expect(Self.value(text, #"shadowcast_requests_sent_total{run="bench"}"#) == 210)
        #expect(Self.value(text, #"shadowcast_responses_total{run="bench"}"#) == 208)
        #expect(Self.value(text, #"shadowcast_request_errors_total{run="bench",kind="refused"}"#) == 2)
        #expect(Self.value(text, #"shadowcast_runs_started_total{run="bench"}"#) == 2)
        #expect(Self.value(text, #"shadowcast_run_active{run="bench"}"#) == 0)
        #expect(Self.value(text, #"shadowcast_response_rate_per_second{run="bench"}"#) == 0)
        #expect(Self.value(text, #"shadowcast_request_latency_seconds_count{run="bench"}"#) == 208)
        // The second step began after the first finished: its quantiles replaced the first's.
        #expect(!text.contains(#"quantile="0.99""#))
        let again = metrics.begin(run: "load")
        again.finish(RunProgress(elapsedSeconds: 1, sent: 1, answered: 1, latencySumSeconds: 0.004),
                     latency: RunLatencyQuantiles([(0.5, 0.004), (0.99, 0.012)]))
        let later = String(decoding: MetricsExporter.exposition(registry: metrics.registry, sources: [metrics]), as: UTF8.self)
        #expect(Self.value(later, #"shadowcast_request_latency_seconds{run="load",quantile="0.99"}"#) == 0.012)
        #expect(Self.value(later, #"shadowcast_request_latency_seconds{run="load",quantile="0.5"}"#) == 0.004)
    }

    @Test("the exporter serves the registry and the summary over loopback")
    func served() async throws {
        let registry = PrometheusCollectorRegistry()
        let metrics = RunMetrics(registry: registry)
        metrics.begin(run: "run").record(RunProgress(elapsedSeconds: 1, sent: 5, answered: 4, latencySumSeconds: 0.02))
        let exporter = MetricsExporter(configuration: .init(port: 0), registry: registry, sources: [metrics])
        let port = try await exporter.start()
        let response = try LoopbackHTTP.request(path: "/metrics", port: port)
        try await exporter.stop()
        #expect(response.status == 200)
        #expect(Self.value(response.body, #"shadowcast_requests_sent_total{run="run"}"#) == 5)
        #expect(Self.value(response.body, #"shadowcast_request_latency_seconds_count{run="run"}"#) == 4)
        #expect(Int(response.headers["content-length"] ?? "") == response.body.utf8.count)
    }
}
