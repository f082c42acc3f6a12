import ArgumentParser
import Foundation
import Prometheus
import Shadowcast

/// `--metrics-port N` and `--metrics-host H` for every verb that sends load (`load`, `run`,
/// `bench`, `demo`, `shadow`): serves the engine's own metrics (``RunMetrics``) in the
/// Prometheus text format at `http://H:N/metrics` while the verb runs.
/// Use with `@OptionGroup(title: "Metrics") var metricsPort: MetricsPortOptions`.
struct MetricsPortOptions: ParsableArguments {
    @Option(name: .customLong("metrics-port"),
            help: ArgumentHelp("Serve the engine's own metrics (requests, errors by kind, late sends, rates, latency, faults) in Prometheus format at http://<metrics-host>:<port>/metrics during the run; 0 picks a free port (printed).",
                               valueName: "port"))
    var port: Int?

    @Option(name: .customLong("metrics-host"), help: ArgumentHelp("Address the metrics endpoint binds to.", valueName: "address"))
    var host = "127.0.0.1"

    func validate() throws {
        if let port, !(0...65535).contains(port) {
            throw ValidationError("--metrics-port \(port) is not a TCP port (0…65535)")
        }
        if host.isEmpty { throw ValidationError("--metrics-host must not be empty") }
    }

    /// Starts the endpoint when `--metrics-port` was given (printing its address on standard
    /// error), serving the run's series and `extraSources` (e.g. the shadow proxy's counters);
    /// otherwise returns a telemetry that records nothing.
    func start(verb: String, extraSources: [any PrometheusTextSource] = [], registry: PrometheusCollectorRegistry = MetricsExporter.sharedRegistry,
               announce: @Sendable (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }) async throws -> RunTelemetry {
        guard let port else { return RunTelemetry(verb: verb, metrics: nil, exporter: nil, url: nil) }
        if registry === MetricsExporter.sharedRegistry { MetricsExporter.bootstrapMetricsSystem() }
        let metrics = RunMetrics(registry: registry)
        let exporter = MetricsExporter(configuration: .init(host: host, port: port), registry: registry, sources: [metrics] + extraSources)
        let bound: Int
        do { bound = try await exporter.start() } catch { throw ValidationError("\(error)") }
        let shownHost = host.contains(":") ? "[\(host)]" : host
        let url = "http://\(shownHost):\(bound)/metrics"
        announce("metrics: \(url)")
        return RunTelemetry(verb: verb, metrics: metrics, exporter: exporter, url: url)
    }
}
