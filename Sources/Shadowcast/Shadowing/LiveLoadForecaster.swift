/// One step of a live load forecast: seconds since the loop started, the median rate and the
/// upper-quantile rate (requests per second).
public struct LoadForecastPoint: Sendable, Hashable, Codable {
    /// Seconds since the loop started.
    public var time: Double
    /// The forecast's median request rate (req/s).
    public var rate: Double
    /// The forecast's upper quantile of the request rate (req/s); what autoscaling provisions for.
    public var upperRate: Double

    /// Creates a point.
    public init(time: Double, rate: Double, upperRate: Double) {
        self.time = time
        self.rate = rate
        self.upperRate = upperRate
    }
}

/// What the predictive shadow loop asks of a forecaster: feed it the rate each step measured,
/// read back the forecast from now on. ``AdaptiveLoadForecaster`` (the `Forecast` stage with
/// online adaptation) is the live one; ``PlannedLoadForecaster`` plays a fixed forecast (the
/// demo, tests).
public protocol LiveLoadForecaster: Sendable {
    /// Feeds the actual rate (req/s) measured over the step that ended at `time` (seconds since
    /// the loop started). Returns a note when the forecaster did something worth reporting
    /// (fitted, fine-tuned, re-selected, failed), else `nil`.
    mutating func observe(rate: Double, at time: Double) -> String?

    /// The forecast from `time` on, covering at least `ahead` seconds when it can; the first point
    /// may lie at `time` itself. Empty while the forecaster cannot predict yet (warm-up).
    func forecast(from time: Double, ahead: Double) -> [LoadForecastPoint]
}

extension Array where Element == LoadForecastPoint {
    /// The point in force at `time`: the last one at or before it (points sorted by time).
    public func point(at time: Double) -> LoadForecastPoint? {
        last { $0.time <= time + 1e-9 }
    }
}
