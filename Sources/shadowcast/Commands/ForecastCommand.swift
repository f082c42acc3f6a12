import ArgumentParser

/// `shadowcast forecast`: Forecast a count series with an LSTM and baselines.
struct ForecastCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "forecast", abstract: "Forecast a count series with an LSTM and baselines.")

    func run() async throws {
        throw ValidationError("'shadowcast forecast' is not built yet")
    }
}
