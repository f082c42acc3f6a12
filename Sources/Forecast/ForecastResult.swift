/// A forecast in the series' units, with the backtest that justified the model (the `--json` shape).
public struct ForecastResult: Sendable, Equatable, Codable {
    /// The model used ("lstm", "holt_winters", "seasonal_naive", "naive", "ensemble").
    public var model: String
    /// Why it was chosen.
    public var reason: String
    /// The series forecast.
    public var series: String
    /// Seconds between steps.
    public var stepSeconds: Double
    /// ISO-8601 time of the first forecast step.
    public var start: String
    /// The quantile levels of each row of `values`.
    public var quantiles: [Double]
    /// One row per step, one value per quantile (non-decreasing), in series units.
    public var values: [[Double]]
    /// Backtest metrics per model.
    public var backtest: [String: BacktestMetrics]
    /// Ensemble weights when `model` is "ensemble".
    public var ensembleWeights: [String: Double]
    /// Season length in steps.
    public var season: Int

    enum CodingKeys: String, CodingKey {
        case model, reason, series
        case stepSeconds = "step_s"
        case start, quantiles, values, backtest
        case ensembleWeights = "ensemble_weights"
        case season
    }
}

/// What `Forecaster.observe(actual:)` did.
public enum AdaptationEvent: Sendable, Equatable {
    /// The live error is within the threshold (or too few observations yet).
    case none(liveError: Double?)
    /// The LSTM was fine-tuned warm-started with this many Adam steps.
    case fineTuned(steps: Int, liveError: Double, threshold: Double)
    /// The models were re-evaluated on the extended history; this one was chosen.
    case reselected(model: String, liveError: Double, threshold: Double)
}
