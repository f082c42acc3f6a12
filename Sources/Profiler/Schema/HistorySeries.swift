/// Observed request counts per step.
///
/// Step `i` covers `[start + i·stepSeconds, start + (i+1)·stepSeconds)`. For every step,
/// `total[i] == sum(routes[*].counts[i]) + other[i]`.
public struct HistorySeries: Sendable, Codable, Equatable {
    /// Counts of one route per step.
    public struct RouteSeries: Sendable, Codable, Equatable {
        /// The route template (same name as in ``RequestProfile/routes``).
        public var route: String
        /// Requests per step.
        public var counts: [Int]

        /// Creates a route series.
        public init(route: String, counts: [Int]) {
            self.route = route
            self.counts = counts
        }
    }

    /// Start of step 0, ISO-8601 UTC, aligned to a multiple of the step since the epoch.
    public var start: String
    /// Start of step 0 in seconds since the Unix epoch (same instant as ``start``).
    public var startEpochSeconds: Double
    /// Step length in seconds.
    public var stepSeconds: Double
    /// All requests per step.
    public var total: [Int]
    /// The top K routes' counts per step, in the order of ``RequestProfile/routes``.
    public var routes: [RouteSeries]
    /// Requests of every other route per step.
    public var other: [Int]
    /// True when some per-route cells were dropped to stay within the memory budget
    /// (the route counts are then lower bounds; ``total`` is always exact).
    public var approximate: Bool

    /// Creates a history.
    public init(
        start: String, startEpochSeconds: Double, stepSeconds: Double, total: [Int],
        routes: [RouteSeries], other: [Int], approximate: Bool
    ) {
        self.start = start
        self.startEpochSeconds = startEpochSeconds
        self.stepSeconds = stepSeconds
        self.total = total
        self.routes = routes
        self.other = other
        self.approximate = approximate
    }
}
