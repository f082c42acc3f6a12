/// User-agent mix: by family and by the most frequent concrete strings.
public struct UserAgentDistribution: Sendable, Codable, Equatable {
    /// A concrete user agent with its family and weight.
    public struct Agent: Sendable, Codable, Equatable {
        /// The `User-Agent` string as logged (`-` when absent).
        public var agent: String
        /// Its family (`browser`, `mobile`, `bot`, `cli`, `library`, `unknown`).
        public var family: String
        /// Fraction of all requests.
        public var weight: Double
        /// Requests.
        public var count: Int

        /// Creates an agent entry.
        public init(agent: String, family: String, weight: Double, count: Int) {
            self.agent = agent
            self.family = family
            self.weight = weight
            self.count = count
        }
    }

    /// Family mix (weights sum to 1).
    public var families: [WeightedValue]
    /// Top concrete agents, descending.
    public var top: [Agent]
    /// Weight of agents not in `top`.
    public var otherWeight: Double

    /// Creates a user-agent distribution.
    public init(families: [WeightedValue], top: [Agent], otherWeight: Double) {
        self.families = families
        self.top = top
        self.otherWeight = otherWeight
    }
}

/// Country mix (ISO 3166 alpha-2).
public struct GeoDistribution: Sendable, Codable, Equatable {
    /// Where countries came from: `field` (a log field or header), `prefix-table`, or `none`.
    public var source: String
    /// Country weights over all requests, descending.
    public var countries: [WeightedValue]
    /// Weight of requests with no known country.
    public var unknownWeight: Double

    /// Creates a geo distribution.
    public init(source: String, countries: [WeightedValue], unknownWeight: Double) {
        self.source = source
        self.countries = countries
        self.unknownWeight = unknownWeight
    }
}

/// When requests happen, in UTC.
public struct TimeMix: Sendable, Codable, Equatable {
    /// Fraction of requests in each hour of the day, index 0 = 00:00–00:59 UTC (24 values).
    public var hourOfDay: [Double]
    /// Fraction of requests on each day of the week, index 0 = Monday (7 values, ISO order).
    public var dayOfWeek: [Double]
    /// Fraction per (day of week, hour): `dayHour[d * 24 + h]` (168 values).
    public var dayHour: [Double]

    /// Creates a time mix.
    public init(hourOfDay: [Double], dayOfWeek: [Double], dayHour: [Double]) {
        self.hourOfDay = hourOfDay
        self.dayOfWeek = dayOfWeek
        self.dayHour = dayHour
    }
}

/// How requests group into sessions and how a session moves between routes.
///
/// A session is the requests of one key (`client+agent`, or `session-id` when the log has one)
/// with no gap longer than ``inactivityGapSeconds``. Transitions are a first-order Markov chain
/// over route names (the top K routes plus ``RouteProfile/otherRouteName``), with entry
/// probabilities and an exit probability per state.
public struct SessionModel: Sendable, Codable, Equatable {
    /// Transitions out of one route.
    public struct Transition: Sendable, Codable, Equatable {
        /// The route a request was on.
        public var from: String
        /// Requests on `from` inside sessions.
        public var count: Int
        /// Next-route probabilities (excluding exit), descending.
        public var next: [WeightedValue]
        /// Probability that the session ends after `from`.
        public var exit: Double

        /// Creates a transition row.
        public init(from: String, count: Int, next: [WeightedValue], exit: Double) {
            self.from = from
            self.count = count
            self.next = next
            self.exit = exit
        }
    }

    /// `client+agent` or `session-id`.
    public var key: String
    /// Gap that ends a session, seconds.
    public var inactivityGapSeconds: Double
    /// Sessions observed.
    public var sessions: Int
    /// Mean session starts per second over the observed time range.
    public var startRatePerSecond: Double
    /// Session starts per history step (same steps as ``HistorySeries/total``).
    public var startsPerStep: [Int]
    /// Requests per session.
    public var requestsPerSession: QuantileSummary?
    /// Time between consecutive requests of a session, seconds.
    public var thinkTimeSeconds: QuantileSummary?
    /// Session duration (first to last request), seconds.
    public var durationSeconds: QuantileSummary?
    /// First route of a session.
    public var entry: [WeightedValue]
    /// Transition rows, one per route that occurred in a session.
    public var transitions: [Transition]

    /// Creates a session model.
    public init(
        key: String, inactivityGapSeconds: Double, sessions: Int, startRatePerSecond: Double,
        startsPerStep: [Int], requestsPerSession: QuantileSummary?, thinkTimeSeconds: QuantileSummary?,
        durationSeconds: QuantileSummary?, entry: [WeightedValue], transitions: [Transition]
    ) {
        self.key = key
        self.inactivityGapSeconds = inactivityGapSeconds
        self.sessions = sessions
        self.startRatePerSecond = startRatePerSecond
        self.startsPerStep = startsPerStep
        self.requestsPerSession = requestsPerSession
        self.thinkTimeSeconds = thinkTimeSeconds
        self.durationSeconds = durationSeconds
        self.entry = entry
        self.transitions = transitions
    }
}
