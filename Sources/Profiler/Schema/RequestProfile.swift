import Foundation

/// A probability model of a service's traffic, learned from access logs or a live mirror.
///
/// This is the hand-over document between the stages: `Profiler` fills everything except
/// ``forecast``, the CLI glue fills ``forecast`` from the `Forecast` module, and `Synthesis`
/// samples requests from it. It is versioned JSON (see `Sources/Profiler/Profiler.docc/ProfileSchema.md`); readers refuse
/// versions newer than ``RequestProfile/currentVersion`` with a clear message.
///
/// Weights in every distribution are fractions that sum to 1 (within rounding) over the listed
/// values plus any explicit `other`/`unknown` weight; counts are the observed counts behind them.
/// No secret is ever stored: no header values, no credential query values, no client addresses
/// (only a count of distinct pseudonymous clients), no parameter value that looks like a token.
public struct RequestProfile: Sendable, Codable, Equatable {
    /// The `format` tag every profile carries.
    public static let formatTag = "shadowcast.request-profile"
    /// The newest schema version this build reads and the one it writes.
    public static let currentVersion = 1

    /// Always ``formatTag``.
    public var format: String
    /// Schema version; see ``currentVersion``.
    public var version: Int
    /// Where the data came from and how it was cleaned.
    public var provenance: Provenance
    /// Aggregation step of ``history`` in seconds.
    public var stepSeconds: Double
    /// Observed request counts per step: total, top routes, and the rest.
    public var history: HistorySeries
    /// The forecast, filled by the forecast stage; `nil` until then.
    public var forecast: ForecastSection?
    /// Totals over the whole observation.
    public var totals: Totals
    /// Per-route models, by descending share. Routes outside the top K are folded into
    /// ``other`` (share and sizes), so the shares of `routes` plus `other.share` sum to 1.
    public var routes: [RouteProfile]
    /// Everything not in ``routes``, as one pseudo-route named ``RouteProfile/otherRouteName``.
    public var other: RouteProfile?
    /// Method mix over all requests.
    public var methods: [WeightedValue]
    /// Status mix over all requests, by class (`2xx`, `3xx`, `4xx`, `5xx`, `1xx`, `unknown`).
    public var statusClasses: [WeightedValue]
    /// User-agent mix.
    public var userAgents: UserAgentDistribution
    /// Country mix.
    public var geo: GeoDistribution
    /// Mix by hour of day and day of week (UTC).
    public var timeMix: TimeMix
    /// How requests group into sessions and move between routes.
    public var sessions: SessionModel

    /// Creates a profile at the current version.
    public init(
        provenance: Provenance, stepSeconds: Double, history: HistorySeries,
        forecast: ForecastSection? = nil, totals: Totals, routes: [RouteProfile],
        other: RouteProfile?, methods: [WeightedValue], statusClasses: [WeightedValue],
        userAgents: UserAgentDistribution, geo: GeoDistribution, timeMix: TimeMix,
        sessions: SessionModel
    ) {
        self.format = Self.formatTag
        self.version = Self.currentVersion
        self.provenance = provenance
        self.stepSeconds = stepSeconds
        self.history = history
        self.forecast = forecast
        self.totals = totals
        self.routes = routes
        self.other = other
        self.methods = methods
        self.statusClasses = statusClasses
        self.userAgents = userAgents
        self.geo = geo
        self.timeMix = timeMix
        self.sessions = sessions
    }
}

/// One value of a categorical distribution with its weight (a fraction) and observed count.
public struct WeightedValue: Sendable, Codable, Equatable, Hashable {
    /// The value (`GET`, `200`, `2xx`, `US`, `bot`, an observed parameter value, …).
    public var value: String
    /// Fraction of the observations, 0…1.
    public var weight: Double
    /// Observations behind the weight (estimated when a sketch produced it).
    public var count: Int

    /// Creates a weighted value.
    public init(value: String, weight: Double, count: Int) {
        self.value = value
        self.weight = weight
        self.count = count
    }
}

/// Overall totals.
public struct Totals: Sendable, Codable, Equatable {
    /// Requests profiled (parsed, redacted, kept).
    public var requests: Int
    /// Distinct routes (templates) seen before the top-K cut.
    public var distinctRoutes: Int
    /// Distinct raw paths seen (capped count: exact up to the interner's cap, see `distinctPathsCapped`).
    public var distinctPaths: Int
    /// True when ``distinctPaths`` hit the cap and is a lower bound.
    public var distinctPathsCapped: Bool
    /// Distinct user agents seen (same capping rule).
    public var distinctUserAgents: Int
    /// Distinct clients (pseudonymous; addresses are never stored).
    public var distinctClients: Int
    /// Mean request rate over the observed time range, requests per second.
    public var meanRatePerSecond: Double
    /// Highest count in one step of the history.
    public var peakPerStep: Int

    /// Creates totals.
    public init(
        requests: Int, distinctRoutes: Int, distinctPaths: Int, distinctPathsCapped: Bool,
        distinctUserAgents: Int, distinctClients: Int, meanRatePerSecond: Double, peakPerStep: Int
    ) {
        self.requests = requests
        self.distinctRoutes = distinctRoutes
        self.distinctPaths = distinctPaths
        self.distinctPathsCapped = distinctPathsCapped
        self.distinctUserAgents = distinctUserAgents
        self.distinctClients = distinctClients
        self.meanRatePerSecond = meanRatePerSecond
        self.peakPerStep = peakPerStep
    }
}
