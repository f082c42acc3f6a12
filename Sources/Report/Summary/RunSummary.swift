import Foundation

/// Everything one Shadowcast run produced, in the shape written to `summary.json`.
///
/// Every pipeline stage fills the part it knows and leaves the rest empty: the report renders
/// the sections that have data and says "no data" for the others. The schema is documented in
/// `Sources/Report/Report.docc/SummarySchema.md`; `schemaVersion` is bumped on any change that an older reader would
/// misread, and ``SummaryCodec`` refuses versions newer than ``RunSummary/currentSchemaVersion``.
///
/// Units: latencies in milliseconds, rates per second, error rates and shares as fractions
/// (0…1), times inside a run as seconds since ``RunMeta/started``.
public struct RunSummary: Codable, Sendable, Equatable {
    /// The schema version this build writes and the newest it reads.
    public static let currentSchemaVersion = 1

    /// Version of the `summary.json` schema this value follows.
    public var schemaVersion: Int
    /// Who ran what, when, against which targets.
    public var meta: RunMeta
    /// Observed traffic volume, the forecast for the next period and what actually came.
    public var traffic: TrafficHistory?
    /// How the forecasting models scored on held-out history, and which one was chosen.
    public var backtest: BacktestTable?
    /// Per-second rate, latency and errors of the primary and the secondary.
    public var timeline: ComparisonTimeline
    /// One row per route (method + path template).
    public var routes: [RouteRow]
    /// Overall latency by percentile (HDR-style), primary and secondary.
    public var latency: LatencyDistribution
    /// What the autoscaler did, in time order.
    public var scaling: [ScalingAction]
    /// Faults injected into the secondary and what came of them.
    public var faults: [FaultRecord]
    /// Conclusions in plain sentences, most severe first.
    public var findings: [Finding]
    /// Scenario events (flash sale start, ramp, pause…) on the run's clock.
    public var events: [ScenarioEvent]
    /// `--threshold` expressions and whether each one held.
    public var thresholds: [ThresholdOutcome]

    /// Creates a summary; every section except `meta` may start empty and be filled later.
    public init(
        meta: RunMeta,
        traffic: TrafficHistory? = nil,
        backtest: BacktestTable? = nil,
        timeline: ComparisonTimeline = ComparisonTimeline(),
        routes: [RouteRow] = [],
        latency: LatencyDistribution = LatencyDistribution(),
        scaling: [ScalingAction] = [],
        faults: [FaultRecord] = [],
        findings: [Finding] = [],
        events: [ScenarioEvent] = [],
        thresholds: [ThresholdOutcome] = []
    ) {
        self.schemaVersion = Self.currentSchemaVersion
        self.meta = meta
        self.traffic = traffic
        self.backtest = backtest
        self.timeline = timeline
        self.routes = routes
        self.latency = latency
        self.scaling = scaling
        self.faults = faults
        self.findings = findings
        self.events = events
        self.thresholds = thresholds
    }

    enum CodingKeys: String, CodingKey {
        case schemaVersion, meta, traffic, backtest, timeline, routes, latency, scaling, faults,
            findings, events, thresholds
    }

    /// Decodes a summary; sections that are absent decode as empty, so stages may write
    /// partial summaries. Version checks happen in ``SummaryCodec`` before this runs.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        schemaVersion = try c.decode(Int.self, forKey: .schemaVersion)
        meta = try c.decode(RunMeta.self, forKey: .meta)
        traffic = try c.decodeIfPresent(TrafficHistory.self, forKey: .traffic)
        backtest = try c.decodeIfPresent(BacktestTable.self, forKey: .backtest)
        timeline = try c.decodeIfPresent(ComparisonTimeline.self, forKey: .timeline) ?? ComparisonTimeline()
        routes = try c.decodeIfPresent([RouteRow].self, forKey: .routes) ?? []
        latency = try c.decodeIfPresent(LatencyDistribution.self, forKey: .latency) ?? LatencyDistribution()
        scaling = try c.decodeIfPresent([ScalingAction].self, forKey: .scaling) ?? []
        faults = try c.decodeIfPresent([FaultRecord].self, forKey: .faults) ?? []
        findings = try c.decodeIfPresent([Finding].self, forKey: .findings) ?? []
        events = try c.decodeIfPresent([ScenarioEvent].self, forKey: .events) ?? []
        thresholds = try c.decodeIfPresent([ThresholdOutcome].self, forKey: .thresholds) ?? []
    }
}
