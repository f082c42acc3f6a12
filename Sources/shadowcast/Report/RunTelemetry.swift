import Foundation
import Shadowcast

/// The metrics endpoint of one verb's invocation, or nothing without `--metrics-port`: feeds
/// each emission run's live snapshots into ``RunMetrics`` under `run="<verb>"`.
struct RunTelemetry: Sendable {
    /// The verb, used as the `run` label.
    let verb: String
    /// Where the series are recorded; nil without `--metrics-port`.
    let metrics: RunMetrics?
    let exporter: MetricsExporter?
    /// `http://host:port/metrics`, when serving.
    let url: String?

    /// Starts `configuration` cycling `requests`, recorded under `run="<verb>"`, and returns
    /// its live snapshots (recorded first) and result.
    func start(_ configuration: EmissionConfiguration, requests: RequestBatch) throws(EmissionError) -> ObservedRun? {
        guard let metrics else { return nil }
        return metrics.observe(try Emitter.start(configuration, requests: requests), name: verb)
    }

    /// Runs `configuration` cycling `requests` to the end, recorded when serving metrics.
    func run(_ configuration: EmissionConfiguration, requests: RequestBatch) async throws(EmissionError) -> EmissionResult {
        guard let observed = try start(configuration, requests: requests) else {
            return try await Emitter.run(configuration, requests: requests)
        }
        return await observed.result()
    }

    /// The snapshots to iterate for live progress: `run`'s own without `--metrics-port`, else
    /// the recorded relay (`faults` reads the synthesizer's fault counts).
    func observe(_ run: EmissionRun, faults: (@Sendable () -> SynthesisStats)? = nil) -> ObservedRun? {
        metrics?.observe(run, name: verb, faults: faults)
    }

    /// Stops the endpoint.
    func stop() async {
        try? await exporter?.stop()
    }
}
