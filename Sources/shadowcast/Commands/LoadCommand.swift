import ArgumentParser
import Foundation
import Shadowcast

/// `shadowcast load`: Send load to a URL at a fixed rate or as fast as possible (wrk/wrk2-like).
struct LoadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Send load to a URL at a fixed rate or as fast as possible (wrk/wrk2-like).",
        discussion: """
            Without --rate the closed model runs at maximum rate (wrk); with --rate requests are sent \
            on a fixed schedule whatever the answers (wrk2), latency counted from the intended send time.
            """)

    @Argument(help: "Target URL, e.g. http://127.0.0.1:8080/", transform: HTTPTargetURL.init(parsing:))
    var url: HTTPTargetURL

    @Option(name: .shortAndLong, help: "Open model: requests per second.")
    var rate: Double?

    @Flag(help: "Closed model at maximum rate (the default).")
    var max = false

    @Option(name: .shortAndLong, help: "Send window, e.g. 10s, 1m.")
    var duration: DurationArgument = DurationArgument(argument: "10s")!

    @Option(help: ArgumentHelp(
        "Open model: send at the target rate for this long before the measured run (e.g. 2s).",
        discussion: "Like wrk2's calibration or a k6 warm-up: connections, caches and CPU placement settle first. Warm-up requests are reported apart (text report and JSON 'warmup': sent, completed, late, errors), never in the run's figures."))
    var warmup: DurationArgument?

    @Option(help: "Closed model: requests in flight per connection.")
    var pipeline: Int = 1

    @Option(help: "Stop after this many requests.")
    var requests: Int?

    @OptionGroup var options: EmitterOptions
    @OptionGroup var thresholds: ThresholdOptions
    @OptionGroup(title: "Report") var report: ReportOptions
    @OptionGroup(title: "Metrics") var metricsPort: MetricsPortOptions

    func validate() throws {
        if rate != nil && max { throw ValidationError("--rate and --max exclude each other") }
        if let rate, !(rate > 0) || !rate.isFinite { throw ValidationError("--rate must be a positive number of requests per second") }
        if rate != nil && pipeline != 1 { throw ValidationError("--pipeline applies to the closed model (--max) only") }
        guard (1...1024).contains(pipeline) else { throw ValidationError("--pipeline must be 1...1024") }
        guard duration.duration > .zero else { throw ValidationError("--duration must be positive") }
        if warmup != nil && rate == nil { throw ValidationError("--warmup applies to the open model (--rate) only") }
        if let requests, requests < 1 { throw ValidationError("--requests must be at least 1") }
    }

    func run() async throws {
        let model: EmissionConfiguration.Model = rate.map { .constantRate($0) } ?? .closed(pipeline: pipeline)
        var configuration = options.configuration(target: url.target, model: model)
        configuration.duration = duration.duration
        configuration.requestLimit = requests
        configuration.warmup = warmup?.duration
        do {
            let telemetry = try await metricsPort.start(verb: "load")
            let started = Date()
            let result = try await telemetry.run(configuration, requests: url.requestBatch(headers: options.headers))
            await telemetry.stop()
            let report = LoadReport(result: result, configuration: configuration)
            if options.json != "-" {
                print(LoadTextReport.render(result, report: report, url: url.text, requestedSeconds: duration.seconds), terminator: "")
            }
            if let path = options.json { try writeJSON(report, to: path) }
            try writeReport(result, started: started)
            try thresholds.check(ThresholdMetrics(result), quietStandardOutput: options.json == "-")
        } catch let error as EmissionError {
            throw ValidationError(error.description)
        }
    }
}
