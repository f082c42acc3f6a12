import Forecast
import Foundation
import Profiler
import Report
import Traffic

/// The embedded default, end to end: generate a sample log, profile it, forecast it, shadow a
/// replay to a primary Lab while a smaller secondary Lab gets the forecast next period plus a
/// flash sale and a few faults, compare, autoscale, and write the report.
///
/// `shadowcast demo` is a thin wrapper around this type; embedders can run it too:
/// ```swift
/// let outcome = try await DemoPipeline(configuration: .quick(outputDirectory: folder)).run()
/// print(outcome.html.path)
/// ```
/// Everything listens on 127.0.0.1 (ephemeral ports) and stops by itself.
public struct DemoPipeline: Sendable {
    /// What to do.
    public var configuration: DemoConfiguration
    /// The command line recorded in the report (`["shadowcast", "demo", ...]`).
    public var command: [String]
    /// Where the live part records the engine's own metrics (`--metrics-port`): the secondary's
    /// synthetic load as `run="demo-secondary"`, the replay as `run="demo-replay"`.
    public var metrics: RunMetrics?

    /// Creates a pipeline.
    public init(configuration: DemoConfiguration, command: [String] = ["shadowcast", "demo"], metrics: RunMetrics? = nil) {
        self.configuration = configuration
        self.command = command
        self.metrics = metrics
    }

    /// Runs every step and writes the report; throws ``DemoError`` when a step fails.
    public func run() async throws -> DemoOutcome {
        try configuration.validate()
        let console = DemoConsole(enabled: configuration.progress)
        let started = Date()
        let folder = configuration.outputDirectory
        let data = folder.appendingPathComponent("data", isDirectory: true)
        do {
            try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        } catch {
            throw DemoError.stage("output", "cannot create \(data.path): \(error.localizedDescription)")
        }
        let history = try learn(into: data, console: console)
        let live = try await DemoLiveRun(configuration: configuration, history: history, console: console, metrics: metrics).run()
        console.step("5/5 writing the report")
        var summary = DemoSummary.build(
            configuration: configuration, history: history, live: live, command: command, started: started, ended: Date())
        summary.meta.ended = Date()
        let html = folder.appendingPathComponent("index.html")
        let json = folder.appendingPathComponent("summary.json")
        do {
            try SummaryCodec.encode(summary).write(to: json, options: .atomic)
            try Data(ReportRenderer().render(summary).utf8).write(to: html, options: .atomic)
        } catch {
            throw DemoError.stage("report", "cannot write \(folder.path): \(error.localizedDescription)")
        }
        let wall = Date().timeIntervalSince(started)
        console.block(DemoSummary.closingText(summary, html: html, json: json, wallSeconds: wall))
        return DemoOutcome(
            summary: summary, folder: folder, html: html, summaryJSON: json, profile: history.profileURL,
            accessLog: history.logURL, wallSeconds: wall)
    }

    /// Steps 1 and 2: the sample log, its profile and the forecast stored in it.
    func learn(into data: URL, console: DemoConsole) throws -> DemoHistory {
        let c = configuration
        let horizonDays = Int((c.horizonSeconds / 86_400).rounded(.up))
        var sample = SampleTrafficConfiguration(seed: c.seed, days: c.historyDays + horizonDays, sessionsPerSecond: c.sessionsPerSecond)
        sample.flashSale?.offset = Double(c.historyDays / 2) * 86_400 + 12 * 3_600
        console.step("1/5 generating \(c.historyDays + horizonDays) days of sample shop traffic (seed \(c.seed); the last \(horizonDays == 1 ? "day is" : "\(horizonDays) days are") held out as the actual)")
        let generator = SampleTrafficGenerator(configuration: sample)
        let logURL = data.appendingPathComponent("access.log")
        let geoURL = data.appendingPathComponent("country-prefixes.csv")
        do {
            try generator.writeCombinedLog(to: logURL.path)
            try Data(SampleTrafficGenerator.countryPrefixTable().utf8).write(to: geoURL, options: .atomic)
        } catch {
            throw DemoError.stage("sample log", "\(error)")
        }
        console.step("      \(generator.requestCount) requests in \(generator.sessionCount) sessions → \(logURL.path)")

        console.step("2/5 profiling the first \(c.historyDays) days (geo from \(geoURL.lastPathComponent))")
        var profilerConfiguration = ProfilerConfiguration()
        profilerConfiguration.stepSeconds = c.stepSeconds
        profilerConfiguration.generator = "shadowcast demo"
        let historyEnd = sample.start + Double(c.historyDays) * 86_400
        let fineStep = 60.0
        var actualPerMinute = [Int](repeating: 0, count: Int(c.horizonSeconds / fineStep) + 1)
        var profile: RequestProfile
        do {
            profilerConfiguration.geoTable = try GeoPrefixTable(csv: SampleTrafficGenerator.countryPrefixTable(), name: geoURL.lastPathComponent)
            var builder = ProfileBuilder(configuration: profilerConfiguration)
            let read = try LogReader().read(try LogSource(path: logURL.path), format: .combined) { fields, _ in
                if fields.time < historyEnd {
                    builder.observe(fields)
                } else {
                    let index = Int((fields.time - historyEnd) / fineStep)
                    if index < actualPerMinute.count { actualPerMinute[index] += 1 }
                }
            }
            builder.recordSource(read, format: "combined")
            profile = builder.profile()
        } catch {
            throw DemoError.stage("profile", "\(error)")
        }
        console.step("      \(profile.totals.requests) requests, \(profile.routes.count) routes, \(profile.history.total.count) steps of \(Int(c.stepSeconds / 60)) min")

        var forecastConfiguration = ForecastConfiguration()
        forecastConfiguration.backtestOrigins = c.backtestOrigins
        forecastConfiguration.lstm.trainingSteps = c.trainingSteps
        forecastConfiguration.lstm.fineTuneSteps = max(5, c.trainingSteps / 4)
        forecastConfiguration.lstm.hiddenSize = c.hiddenSize
        forecastConfiguration.lstm.seed = c.seed
        // Every backtest origin trains once more: share the budget.
        forecastConfiguration.lstm.maxTrainingSeconds = c.trainingBudgetSeconds / Double(c.backtestOrigins + 1)
        console.step("      training the forecaster (LSTM vs baselines, \(c.backtestOrigins) backtest origin(s), budget \(Int(c.trainingBudgetSeconds)) s)")
        let forecast: ForecastResult
        do {
            forecast = try profile.attachForecast(horizonSeconds: c.horizonSeconds, configuration: forecastConfiguration).result
        } catch {
            throw DemoError.stage("forecast", "\(error)")
        }
        console.block(DemoSummary.backtestText(forecast))
        let profileURL = data.appendingPathComponent("profile.json")
        do {
            try profile.encoded().write(to: profileURL, options: .atomic)
        } catch {
            throw DemoError.stage("profile", "cannot write \(profileURL.path): \(error)")
        }
        console.step("      profile with its forecast → \(profileURL.path)")
        let forecastStart = profile.history.startEpochSeconds + Double(profile.history.total.count) * profile.history.stepSeconds
        // The held-out day, in forecast steps from the forecast's first step.
        let steps = forecast.values.count
        var actual = [Double](repeating: 0, count: steps)
        for (minute, count) in actualPerMinute.enumerated() {
            let time = historyEnd + Double(minute) * fineStep
            let step = Int(((time - forecastStart) / c.stepSeconds).rounded(.down))
            if step >= 0 && step < steps { actual[step] += Double(count) }
        }
        return DemoHistory(
            profile: profile, forecast: forecast, forecastStart: forecastStart, actual: actual,
            historyEnd: historyEnd, logURL: logURL, profileURL: profileURL, sampleRequests: generator.requestCount)
    }
}

/// What the learning steps produced.
struct DemoHistory: Sendable {
    var profile: RequestProfile
    var forecast: ForecastResult
    /// Epoch seconds of the forecast's first step.
    var forecastStart: Double
    /// Requests per forecast step in the held-out period.
    var actual: [Double]
    /// Epoch seconds where the profiled history ends.
    var historyEnd: Double
    var logURL: URL
    var profileURL: URL
    var sampleRequests: Int
}
