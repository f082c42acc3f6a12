/// A forecast of request volume (and optionally route mix), stored as plain data.
///
/// `Profiler` never computes this: the CLI glue fills it from the `Forecast` module. Values
/// are requests per step: `values[i][j]` is quantile `quantiles[j]` of the count in step `i`
/// starting at `start + i·stepSeconds`.
public struct ForecastSection: Sendable, Codable, Equatable {
    /// Forecast route shares per step: `shares[i]` is the route's fraction of step `i`.
    public struct RouteShares: Sendable, Codable, Equatable {
        /// Route template, or ``RouteProfile/otherRouteName``.
        public var route: String
        /// One share per step, 0…1.
        public var shares: [Double]

        /// Creates route shares.
        public init(route: String, shares: [Double]) {
            self.route = route
            self.shares = shares
        }
    }

    /// How well the chosen model did on held-out history.
    public struct BacktestSummary: Sendable, Codable, Equatable {
        /// Steps held out per fold.
        public var horizonSteps: Int
        /// Number of folds.
        public var folds: Int
        /// Metric name → value for the chosen model (e.g. `mase`, `smape`, `pinball`, `coverage80`).
        public var metrics: [WeightedMetric]
        /// Models compared and their main score (lower is better), when several were tried.
        public var candidates: [WeightedMetric]

        /// Creates a summary.
        public init(horizonSteps: Int, folds: Int, metrics: [WeightedMetric], candidates: [WeightedMetric]) {
            self.horizonSteps = horizonSteps
            self.folds = folds
            self.metrics = metrics
            self.candidates = candidates
        }
    }

    /// A named number.
    public struct WeightedMetric: Sendable, Codable, Equatable {
        /// Metric or model name.
        public var name: String
        /// Its value.
        public var value: Double

        /// Creates a named number.
        public init(name: String, value: Double) {
            self.name = name
            self.value = value
        }
    }

    /// Model that produced it (`lstm`, `holt-winters`, `seasonal-naive`, …).
    public var model: String
    /// Step in seconds (normally equal to the profile's step).
    public var stepSeconds: Double
    /// Start of forecast step 0, ISO-8601 UTC.
    public var start: String
    /// Quantile levels, ascending (e.g. `[0.1, 0.5, 0.9]`).
    public var quantiles: [Double]
    /// `values[step][quantileIndex]`: requests in that step.
    public var values: [[Double]]
    /// Per-route shares per step, when the model forecasts the mix; `nil` means "use route shares".
    public var routeShares: [RouteShares]?
    /// Backtest of the chosen model, when one was run.
    public var backtest: BacktestSummary?

    /// Creates a forecast section.
    public init(
        model: String, stepSeconds: Double, start: String, quantiles: [Double], values: [[Double]],
        routeShares: [RouteShares]? = nil, backtest: BacktestSummary? = nil
    ) {
        self.model = model
        self.stepSeconds = stepSeconds
        self.start = start
        self.quantiles = quantiles
        self.values = values
        self.routeShares = routeShares
        self.backtest = backtest
    }
}
