/// Configuration of a `Forecaster`.
public struct ForecastConfiguration: Sendable, Equatable, Codable {
    /// Steps to forecast (and the LSTM's output horizon).
    public var horizon = 288
    /// Quantiles to report (0.1, 0.5 and 0.9 are always computed for the backtest).
    public var quantiles: [Double] = [0.1, 0.5, 0.9]
    /// Season length: detected or given.
    public var season: SeasonSetting = .auto
    /// Rolling origins of the backtest.
    public var backtestOrigins = 3
    /// Train the LSTM (otherwise baselines only).
    public var useLSTM = true
    /// Consider an inverse-MASE weighted ensemble of the best models.
    public var allowEnsemble = true
    /// LSTM network and training budget.
    public var lstm = LSTMSettings()
    /// Online adaptation: adapt when the live scaled error exceeds this multiple of the backtest MASE.
    public var driftThreshold = 1.5
    /// Online adaptation: observations in the live error window (nil: min(horizon, 48), at least 6).
    public var driftWindow: Int? = nil

    public init() {}

    /// All quantiles computed: the requested ones plus 0.1, 0.5, 0.9, sorted.
    var computedQuantiles: [Double] { Array(Set(quantiles + [0.1, 0.5, 0.9])).sorted() }
}

/// Errors of the forecaster API.
public enum ForecastError: Error, Equatable, CustomStringConvertible {
    case noSeries
    case invalidConfiguration(String)
    case seriesTooShort(name: String, count: Int)
    case notFitted
    case mismatchedStep(name: String, step: Double, expected: Double)

    public var description: String {
        switch self {
        case .noSeries: return "no series to forecast"
        case let .invalidConfiguration(why): return "invalid forecast configuration: \(why)"
        case let .seriesTooShort(name, count): return "series \(name) has \(count) values; at least 8 are needed"
        case .notFitted: return "call fit() before forecast()"
        case let .mismatchedStep(name, step, expected): return "series \(name) has step \(step) s, expected \(expected) s"
        }
    }
}
