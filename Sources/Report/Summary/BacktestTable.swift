/// How each forecasting model scored on held-out history, and which one the run used.
public struct BacktestTable: Codable, Sendable, Equatable {
    /// One row per model, in the order they were evaluated.
    public var rows: [BacktestRow]
    /// Name of the model that was chosen.
    public var chosen: String
    /// Why it was chosen, as a sentence.
    public var reason: String

    /// Creates a backtest table.
    public init(rows: [BacktestRow], chosen: String, reason: String) {
        self.rows = rows
        self.chosen = chosen
        self.reason = reason
    }
}

/// Backtest scores of one model.
public struct BacktestRow: Codable, Sendable, Equatable {
    /// Model name.
    public var model: String
    /// Mean absolute scaled error (lower is better; < 1 beats the seasonal naive forecast).
    public var mase: Double
    /// Symmetric mean absolute percentage error, as a fraction (0.12 = 12%).
    public var smape: Double
    /// Mean pinball (quantile) loss over the forecast quantiles, in requests per step.
    public var pinball: Double?
    /// Share of actual values that fell inside the forecast band (fraction).
    public var coverage: Double?

    /// Creates a backtest row.
    public init(model: String, mase: Double, smape: Double, pinball: Double? = nil, coverage: Double? = nil) {
        self.model = model
        self.mase = mase
        self.smape = smape
        self.pinball = pinball
        self.coverage = coverage
    }
}
