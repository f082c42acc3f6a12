import ArgumentParser
import Foundation
import Shadowcast

/// Options every run-like verb (`load`, `run`, `demo`, `shadow`) shares: thresholds, the report
/// folder, live progress and the Prometheus endpoint. Use with `@OptionGroup var report: ReportOptions`.
struct ReportOptions: ParsableArguments {
    @OptionGroup var thresholdOptions: ThresholdOptions

    /// The `--threshold` conditions.
    var thresholds: [Threshold] { thresholdOptions.thresholds }

    @Option(name: .customLong("report-dir"), help: ArgumentHelp("Folder in which to write shadowcast-report/ (index.html, summary.json).", valueName: "dir"))
    var reportDirectory: String = "."

    @Flag(name: .customLong("no-report"), help: "Do not write the HTML report and summary.json.")
    var noReport = false

    @Flag(name: .customLong("no-progress"), help: "Do not print live progress.")
    var noProgress = false

    @Option(name: .customLong("metrics-port"), help: ArgumentHelp("Serve the engine's own metrics in Prometheus format at http://127.0.0.1:<port>/metrics during the run (0 picks a free port).", valueName: "port"))
    var metricsPort: Int?

    /// Exit code of a run whose thresholds failed (the same as k6, so CI scripts carry over).
    static let thresholdExitCode: Int32 = ThresholdOptions.exitCode

    func validate() throws {
        if let port = metricsPort, !(0...65535).contains(port) {
            throw ValidationError("--metrics-port \(port) is not a TCP port (0…65535)")
        }
    }

    /// The progress formatter for standard error, or nil with `--no-progress`.
    func progressReporter() -> ProgressReporter? {
        noProgress ? nil : ProgressReporter(mode: .detect(fileDescriptor: STDERR_FILENO))
    }

    /// Starts the Prometheus endpoint if `--metrics-port` was given; prints where it listens.
    func startMetricsExporter() async throws -> MetricsExporter? {
        guard let port = metricsPort else { return nil }
        MetricsExporter.bootstrapMetricsSystem()
        let exporter = MetricsExporter(configuration: .init(port: port))
        let bound = try await exporter.start()
        FileHandle.standardError.write(Data("metrics: http://127.0.0.1:\(bound)/metrics\n".utf8))
        return exporter
    }

    /// Checks the thresholds, records them in the summary, writes the report (unless
    /// `--no-report`) and prints where it is; throws the threshold exit code if any failed.
    func finish(_ summary: inout RunSummary, metrics: ThresholdMetrics) throws {
        summary.thresholds = thresholds.evaluate(metrics)
        for outcome in summary.thresholds {
            print("threshold \(outcome.passed ? "ok  " : "FAIL") \(outcome.expression): \(outcome.message)")
        }
        if !noReport {
            let written = try ReportWriter().write(summary, into: URL(fileURLWithPath: reportDirectory))
            print("report: \(written.html.path)\nsummary: \(written.summary.path)")
        }
        if summary.thresholds.contains(where: { !$0.passed }) {
            throw ExitCode(Self.thresholdExitCode)
        }
    }
}
