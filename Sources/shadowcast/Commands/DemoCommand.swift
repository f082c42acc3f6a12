import ArgumentParser
import Foundation
import Shadowcast

/// `shadowcast demo`: Run the whole pipeline on bundled traffic against built-in Labs and write a report.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo", abstract: "Run the whole pipeline on bundled traffic against built-in Labs and write a report.",
        discussion: """
            Generates a week of sample shop traffic, profiles it and trains the forecaster (backtest \
            against baselines), starts a primary and a smaller secondary Lab on 127.0.0.1, shadows \
            a replay of recent traffic to the primary through the mirroring proxy, sends the \
            forecast next day (compressed) with a flash sale and a few faults to the secondary, \
            lets the predictive autoscaler scale the secondary, compares both and writes \
            DIR/index.html and DIR/summary.json (sample data in DIR/data/). About three minutes \
            on two cores in a release build; --quick takes about fifteen seconds.
            """)

    @Option(help: "Report folder (index.html, summary.json, data/).")
    var out = "shadowcast-report"

    @Option(help: "Seed of the sample traffic, the Labs and synthesis.")
    var seed: UInt64 = 42

    @Flag(help: "A much shorter run (two days of history, ~12 s of load) for tests and a first look.")
    var quick = false

    @Flag(help: "Do not print progress.")
    var noProgress = false

    @OptionGroup(title: "Metrics") var metricsPort: MetricsPortOptions

    func run() async throws {
        let folder = URL(fileURLWithPath: out, isDirectory: true)
        var configuration = quick ? DemoConfiguration.quick(outputDirectory: folder) : DemoConfiguration(outputDirectory: folder)
        configuration.seed = seed
        configuration.progress = !noProgress
        var command = ["shadowcast", "demo"]
        if out != "shadowcast-report" { command += ["--out", out] }
        if seed != 42 { command += ["--seed", "\(seed)"] }
        if quick { command.append("--quick") }
        let telemetry = try await metricsPort.start(verb: "demo")
        do {
            let outcome = try await DemoPipeline(configuration: configuration, command: command, metrics: telemetry.metrics).run()
            await telemetry.stop()
            print(outcome.html.path)
        } catch let error as DemoError {
            await telemetry.stop()
            throw ValidationError(error.description)
        }
    }
}
