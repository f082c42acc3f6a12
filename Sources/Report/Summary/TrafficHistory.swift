import Foundation

/// Traffic volume per step: the observed history, the forecast for the next period and what
/// actually came during that period.
public struct TrafficHistory: Codable, Sendable, Equatable {
    /// Length of one step in seconds (e.g. 3600 for hourly counts).
    public var stepSeconds: Double
    /// Observed requests per step before the forecast starts.
    public var history: [TrafficPoint]
    /// The forecast for the steps after the history, if one was made.
    public var forecast: TrafficForecast?
    /// Requests actually observed during the forecast period, if known.
    public var actual: [TrafficPoint]

    /// Creates a traffic history.
    public init(
        stepSeconds: Double, history: [TrafficPoint], forecast: TrafficForecast? = nil,
        actual: [TrafficPoint] = []
    ) {
        self.stepSeconds = stepSeconds
        self.history = history
        self.forecast = forecast
        self.actual = actual
    }
}

/// Requests counted in one step.
public struct TrafficPoint: Codable, Sendable, Equatable {
    /// Index of the step, counting from the first step of the history.
    public var step: Int
    /// Start of the step (ISO 8601 in JSON).
    public var time: Date
    /// Requests in the step.
    public var count: Double

    /// Creates a point.
    public init(step: Int, time: Date, count: Double) {
        self.step = step
        self.time = time
        self.count = count
    }
}

/// A probabilistic forecast: for each future step, one value per quantile.
public struct TrafficForecast: Codable, Sendable, Equatable {
    /// Model that produced it (e.g. `lstm`, `seasonal-naive`).
    public var model: String
    /// The quantile levels, ascending, each in (0, 1), e.g. `[0.1, 0.5, 0.9]`.
    public var quantiles: [Double]
    /// Lower and upper quantile of the band drawn around the median (must be in `quantiles`).
    public var band: QuantileBand
    /// One point per forecast step.
    public var points: [ForecastPoint]

    /// Creates a forecast.
    public init(model: String, quantiles: [Double], band: QuantileBand, points: [ForecastPoint]) {
        self.model = model
        self.quantiles = quantiles
        self.band = band
        self.points = points
    }

    /// Values of one quantile level across the steps (`nil` if the level is not forecast).
    public func values(atQuantile q: Double) -> [(step: Int, time: Date, value: Double)]? {
        guard let index = quantiles.firstIndex(where: { abs($0 - q) < 1e-9 }) else { return nil }
        return points.compactMap { p in
            index < p.values.count ? (p.step, p.time, p.values[index]) : nil
        }
    }

    /// The quantile closest to the median.
    public var medianQuantile: Double? {
        quantiles.min(by: { abs($0 - 0.5) < abs($1 - 0.5) })
    }
}

/// The quantile levels bounding the forecast band, e.g. 0.1 and 0.9 for an 80% band.
public struct QuantileBand: Codable, Sendable, Equatable {
    /// Lower quantile level.
    public var lower: Double
    /// Upper quantile level.
    public var upper: Double

    /// Creates a band.
    public init(lower: Double, upper: Double) {
        self.lower = lower
        self.upper = upper
    }
}

/// Forecast values for one future step.
public struct ForecastPoint: Codable, Sendable, Equatable {
    /// Index of the step (continues the history's numbering).
    public var step: Int
    /// Start of the step.
    public var time: Date
    /// One value per entry of ``TrafficForecast/quantiles``, in the same order.
    public var values: [Double]

    /// Creates a forecast point.
    public init(step: Int, time: Date, values: [Double]) {
        self.step = step
        self.time = time
        self.values = values
    }
}
