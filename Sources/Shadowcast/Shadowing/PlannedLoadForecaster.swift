/// A fixed forecast: the points given, whatever is observed. The demo uses it for its forecast
/// period (known in advance from the profile); tests use it to script a rise.
public struct PlannedLoadForecaster: LiveLoadForecaster {
    /// The planned points, sorted by time.
    public let points: [LoadForecastPoint]
    /// After this time (seconds since the start) the plan says nothing (an empty forecast), so
    /// the loop stops scaling and playing ahead; `nil`: the plan holds forever.
    public let until: Double?

    /// Creates a plan from points (sorted here).
    public init(points: [LoadForecastPoint], until: Double? = nil) {
        self.points = points.sorted { $0.time < $1.time }
        self.until = until
    }

    public mutating func observe(rate: Double, at time: Double) -> String? { nil }

    /// All planned points (the plan is the whole forecast), or none once past `until`.
    public func forecast(from time: Double, ahead: Double) -> [LoadForecastPoint] {
        if let until, time > until + 1e-9 { return [] }
        return points
    }
}
