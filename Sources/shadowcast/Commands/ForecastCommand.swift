import ArgumentParser
import Foundation
import Shadowcast

/// `shadowcast forecast`: Forecast a count series with an LSTM and baselines.
struct ForecastCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forecast",
        abstract: "Forecast a count series with an LSTM and baselines.",
        discussion: """
            Reads SERIES.csv (`timestamp,value`; ISO-8601 or `YYYY-MM-DD HH:MM:SS`, UTC), fills gaps \
            by interpolation (reported), backtests naive, seasonal naive, Holt-Winters, a quantile LSTM \
            and their ensemble on rolling origins, picks the best, trains on the whole file and \
            forecasts the next --horizon steps.
            """)

    @Argument(help: "Count series CSV: timestamp,value.")
    var series: String

    @Option(help: "Step of the series (e.g. 300, 5m, 1h). Default: inferred (median spacing); a coarser step sums counts.")
    var step: DurationArgument?

    @Option(help: "Steps to forecast.")
    var horizon: Int = 288

    @Option(help: "Quantiles to report, comma-separated.")
    var quantiles: String = "0.1,0.5,0.9"

    @Option(help: "Season in steps, or auto (daily/weekly detected).")
    var season: String = "auto"

    @Option(help: "Write the forecast as JSON to this file.")
    var json: String?

    @Flag(help: "Fail on the first bad CSV row instead of skipping it.")
    var strict = false

    @Flag(help: "Baselines only (no LSTM).")
    var noLstm = false

    @Option(help: "LSTM Adam steps (training budget).")
    var trainingSteps: Int = 400

    @Option(help: "OpenBLAS threads for the LSTM.")
    var threads: Int = 1

    @Option(help: "Seed of the LSTM initialisation and sampling.")
    var seed: UInt64 = 1

    @Option(help: ArgumentHelp(
        "Arithmetic of the LSTM's forecasts and backtests: fp32, int16 or int8 (training is fp32).",
        discussion: "int16 runs about 1.5x fp32's speed within ~2e-5 of its outputs; int8 about 2x, within ~1e-3, and only on CPUs with AVX-512 VNNI."))
    var inferencePrecision: LSTMInferencePrecision = .fp32

    func validate() throws {
        guard horizon >= 1, horizon <= 20_000 else { throw ValidationError("--horizon must be in 1...20000") }
        if let step, step.duration <= .zero { throw ValidationError("--step '\(step)': must be positive") }
        guard parsedQuantiles != nil else { throw ValidationError("--quantiles must be numbers strictly between 0 and 1, e.g. 0.1,0.5,0.9") }
        guard parsedSeason != nil else { throw ValidationError("--season must be `auto` or a positive number of steps") }
        guard trainingSteps >= 1, trainingSteps <= 100_000 else { throw ValidationError("--training-steps must be in 1...100000") }
        guard threads >= 1, threads <= 256 else { throw ValidationError("--threads must be in 1...256") }
        guard inferencePrecision.isAvailable else {
            throw ValidationError("--inference-precision \(inferencePrecision.rawValue) needs AVX-512 VNNI, which this CPU lacks: use int16 (about 1.5x fp32) or fp32")
        }
    }

    var parsedQuantiles: [Double]? {
        let qs = quantiles.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard !qs.isEmpty, qs.allSatisfy({ $0 != nil && $0! > 0 && $0! < 1 }) else { return nil }
        return Array(Set(qs.map { $0! })).sorted()
    }

    var parsedSeason: SeasonSetting? {
        if season.lowercased() == "auto" { return .auto }
        guard let m = Int(season), m >= 1 else { return nil }
        return .fixed(m)
    }

    func run() async throws {
        let started = Date()
        let (ts, report): (TimeSeries, TimeSeriesLoadReport)
        do {
            (ts, report) = try TimeSeriesCSV.load(path: series, step: step?.seconds, strict: strict)
        } catch let e as TimeSeriesLoadError {
            throw ValidationError(e.description)
        }
        ForecastConsole.printLoad(report, series: ts, path: series)
        var config = ForecastConfiguration()
        config.horizon = horizon
        config.quantiles = parsedQuantiles ?? [0.1, 0.5, 0.9]
        config.season = parsedSeason ?? .auto
        config.useLSTM = !noLstm
        config.lstm.trainingSteps = trainingSteps
        config.lstm.threads = threads
        config.lstm.seed = seed
        config.lstm.inferencePrecision = inferencePrecision
        var forecaster: Forecaster
        do {
            forecaster = try Forecaster(series: [ts], configuration: config)
            try forecaster.fit()
        } catch let e as ForecastError {
            throw ValidationError(e.description)
        }
        let result = try forecaster.forecast()
        if !noLstm && inferencePrecision != .fp32 {
            print("LSTM forecasts and backtests with \(inferencePrecision.rawValue) inference (training fp32)")
        }
        ForecastConsole.printSelection(forecaster.selections[0], log: forecaster.log)
        ForecastConsole.printForecastSummary(result)
        if let json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            let data = try encoder.encode(result)
            do { try data.write(to: URL(fileURLWithPath: json)) } catch {
                throw ValidationError("cannot write \(json): \(error.localizedDescription)")
            }
            print("wrote \(json)")
        }
        print(String(format: "done in %.1f s", Date().timeIntervalSince(started)))
    }
}
