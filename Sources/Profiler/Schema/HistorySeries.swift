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

        enum CodingKeys: String, CodingKey { case route, counts }

        public func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(route, forKey: .route)
            if let marker = encoder.userInfo[HistorySeries.markerKey] as? HistorySeries.Marker {
                try container.encode(marker.prefix + HistorySeries.Marker.route, forKey: .counts)
            } else {
                try container.encode(counts, forKey: .counts)
            }
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

    enum CodingKeys: String, CodingKey { case start, startEpochSeconds, stepSeconds, total, routes, other, approximate }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(start, forKey: .start)
        try container.encode(startEpochSeconds, forKey: .startEpochSeconds)
        try container.encode(stepSeconds, forKey: .stepSeconds)
        try container.encode(routes, forKey: .routes)
        try container.encode(approximate, forKey: .approximate)
        if let marker = encoder.userInfo[Self.markerKey] as? Marker {
            try container.encode(marker.prefix + Marker.total, forKey: .total)
            try container.encode(marker.prefix + Marker.other, forKey: .other)
        } else {
            try container.encode(total, forKey: .total)
            try container.encode(other, forKey: .other)
        }
    }

    /// Encoding the long per-step arrays element by element through `JSONEncoder` dominated the
    /// time of `shadowcast profile` (about 1 M numbers for 20,000 steps × 50 routes). With a
    /// marker in the encoder's `userInfo`, each array is written as a unique placeholder string
    /// that ``RequestProfile/encoded()`` replaces with the pretty-printed array, byte for byte
    /// what `JSONEncoder` would have written.
    static let markerKey = CodingUserInfoKey(rawValue: "shadowcast.history-marker")!

    /// The placeholder prefix (unique per encoding); `total`, `other`, or `route` follows it
    /// (route placeholders are matched to ``routes`` in order).
    struct Marker: Sendable {
        static let total = "total"
        static let other = "other"
        static let route = "route"
        let prefix: String
    }
}
