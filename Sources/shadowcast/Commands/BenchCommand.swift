import ArgumentParser
import Foundation
import Shadowcast

/// `shadowcast bench`: Find the highest request rate a target sustains within an SLO.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Find the highest request rate a target sustains within an SLO.",
        discussion: """
            Open-model steps: the rate doubles from --start-rate until a step misses the SLO (p99 from \
            the intended send time above --slo-p99, error rate above --max-error-rate, or achieved rate \
            below 95% of offered), then bisects between the last passing and first failing rate. \
            Without a URL, benchmarks the built-in sink in-process.
            """)

    @Argument(help: "Target URL (default: start the built-in sink and measure it).", transform: HTTPTargetURL.init(parsing:))
    var url: HTTPTargetURL?

    @Option(help: "Latency objective: p99 from the intended send time, e.g. 50ms.")
    var sloP99: DurationArgument = DurationArgument(argument: "50ms")!

    @Option(help: "Highest acceptable error rate (0...1).")
    var maxErrorRate: Double = 0.01

    @Option(help: "First rate tried (requests per second).")
    var startRate: Double = 1000

    @Option(help: "Never offer more than this rate.")
    var maxRate: Double = 2_000_000

    @Option(help: "Length of each step, e.g. 3s.")
    var stepDuration: DurationArgument = DurationArgument(argument: "2s")!

    @Option(help: "Stop when passing and failing rates are within this fraction.")
    var precision: Double = 0.05

    @Option(help: "Most steps to run (confirmations included).")
    var maxSteps: Int = 24

    @Option(help: "Measure a failing step again up to this many times; its rate fails only if every try fails (0: one failure decides).")
    var confirm: Int = 1

    @OptionGroup var options: EmitterOptions
    @OptionGroup(title: "Metrics") var metricsPort: MetricsPortOptions

    /// The `--json` document.
    struct Report: Encodable {
        var target: String
        var slo_p99_ms: Double
        var max_error_rate: Double
        /// Extra tries of a failing step (`--confirm`); a repeated rate in `steps` is one.
        var confirmations: Int
        var ceiling_rps: Double?
        var steps: [RateCeilingSearch.Step]
        var step_reports: [LoadReport]
    }

    func validate() throws {
        guard sloP99.duration > .zero else { throw ValidationError("--slo-p99 must be positive") }
        guard (0...1).contains(maxErrorRate) else { throw ValidationError("--max-error-rate must be within 0...1") }
        guard startRate >= 1, maxRate >= startRate else { throw ValidationError("need 1 <= --start-rate <= --max-rate") }
        guard stepDuration.duration >= .milliseconds(100) else { throw ValidationError("--step-duration must be at least 100ms") }
        guard precision > 0, precision < 1 else { throw ValidationError("--precision must be within (0, 1)") }
        guard (1...100).contains(maxSteps) else { throw ValidationError("--max-steps must be 1...100") }
        guard (0...5).contains(confirm) else { throw ValidationError("--confirm must be 0...5") }
    }

    func run() async throws {
        var sink: HTTPSink?
        let target: EmissionTarget
        let batch: RequestBatch
        let label: String
        if let url {
            target = url.target
            batch = url.requestBatch(headers: options.headers)
            label = url.text
        } else {
            do { sink = try HTTPSink(threads: 1) } catch { throw ValidationError("cannot start the built-in sink: \(error)") }
            target = .loopback(port: sink!.port)
            batch = HTTPTargetURL(argument: "http://127.0.0.1:\(sink!.port)/")!.requestBatch(headers: options.headers)
            label = "built-in sink http://127.0.0.1:\(sink!.port)/ (\(LoadTextReport.backendName(sink!.backend)))"
        }
        defer { sink?.stop() }
        var search = RateCeilingSearch(
            criteria: .init(sloP99Milliseconds: sloP99.milliseconds, maxErrorRate: maxErrorRate),
            startRate: startRate, maxRate: maxRate, precision: precision, maxSteps: maxSteps, confirmations: confirm)
        let quiet = options.json == "-"
        let telemetry = try await metricsPort.start(verb: "bench")
        if !quiet { print("Searching the rate ceiling of \(label): SLO p99 <= \(sloP99), errors <= \(maxErrorRate * 100)%") }
        if !quiet { print("      rate    achieved       p50       p99    errors  verdict") }
        var reports: [LoadReport] = []
        while let rate = search.nextRate {
            var configuration = options.configuration(target: target, model: .constantRate(rate))
            configuration.duration = stepDuration.duration
            configuration.drain = .milliseconds(Int64(max(200, min(2000, sloP99.milliseconds * 4))))
            let result: EmissionResult
            do { result = try await telemetry.run(configuration, requests: batch) } catch {
                throw ValidationError(error.description)
            }
            let report = LoadReport(result: result, configuration: configuration)
            reports.append(report)
            search.record(rate: rate, achieved: result.achievedRate, p50Milliseconds: report.latency_ms.p50,
                          p99Milliseconds: report.latency_ms.p99, errors: result.errors.total, errorRate: result.errorRate)
            if let step = search.steps.last, !quiet {
                let p50 = LoadTextReport.pad(LoadTextReport.format(milliseconds: step.p50_ms), 8)
                let p99 = LoadTextReport.pad(LoadTextReport.format(milliseconds: step.p99_ms), 8)
                print(String(format: "%10.0f  %10.0f  ", step.rate, step.achieved) + p50 + "  " + p99
                      + LoadTextReport.pad(String(step.errors), 10) + "  "
                      + (step.passed ? "ok" : search.nextRate == step.rate ? "over SLO, measuring again" : "over SLO"))
            }
        }
        await telemetry.stop()
        if !quiet {
            if let ceiling = search.ceiling {
                print(String(format: "Ceiling: %.0f requests/sec within p99 <= %@", ceiling, sloP99.description))
            } else {
                print("Ceiling: none — even the lowest rate tried missed the SLO")
            }
        }
        if let path = options.json {
            try writeJSON(Report(target: target.description, slo_p99_ms: sloP99.milliseconds, max_error_rate: maxErrorRate,
                                 confirmations: confirm, ceiling_rps: search.ceiling, steps: search.steps, step_reports: reports), to: path)
        }
    }
}
