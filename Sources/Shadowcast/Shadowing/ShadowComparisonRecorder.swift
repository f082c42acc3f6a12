import Histogram
import Monitor
import Shadow
import Traffic

/// What the primary and the secondary did with the shadowed traffic, per second and per route,
/// gathered from the proxy's exchange records: the figures of `shadow --report-dir`.
///
/// Memory stays bounded however long the proxy runs: one small sample per second and side (the
/// histograms of the seconds still open are reused), one histogram pair per route up to
/// ``maxRoutes`` (later routes are counted under ``otherRoute``), and one for the whole run.
/// Records arrive in completion order, so a second stays open for ``openSeconds`` after the
/// newest record's second; a record older than that still counts in the route and whole-run
/// figures, and in ``lateRecords``, but not in the per-second timeline.
public struct ShadowComparisonRecorder: Sendable {
    /// Route name for the requests of routes beyond ``maxRoutes``.
    public static let otherRoute = "(other routes)"

    /// One side's figures for one second.
    public struct Second: Sendable, Equatable {
        /// Seconds since ``ShadowComparisonRecorder/origin`` (start of the second).
        public var t: Double
        /// Requests that ended in the second (answered or failed).
        public var requests: Int
        /// Of those, errors (transport failures and 5xx).
        public var errors: Int
        /// Median latency of the answered ones, milliseconds (0 without any).
        public var p50Ms: Double
        /// 99th percentile, milliseconds (0 without any).
        public var p99Ms: Double
    }

    /// Both sides of one route, or of one open second.
    struct Sides: Sendable {
        var primary: RouteSecond
        var secondary: RouteSecond

        init(digits: SignificantDigits) {
            primary = RouteSecond(latency: RouteSecond.makeHistogram(digits: digits))
            secondary = RouteSecond(latency: RouteSecond.makeHistogram(digits: digits))
        }

        init(primary: RouteSecond, secondary: RouteSecond) {
            self.primary = primary
            self.secondary = secondary
        }
    }

    /// Epoch seconds the timeline counts from (the proxy's start).
    public let origin: Double
    /// How many seconds behind the newest record a second stays open.
    public let openSeconds: Int
    /// Routes tallied apart; later ones go to ``otherRoute``.
    public let maxRoutes: Int
    /// Closed seconds of the primary, in time order.
    public private(set) var primarySeconds: [Second] = []
    /// Closed seconds of the secondary, in time order (only seconds with mirrored requests).
    public private(set) var secondarySeconds: [Second] = []
    /// The whole run, primary side (every proxied request); errors by kind: the failure's name
    /// (`timeout`, `reset`, `connectFailed`) or `http_5xx`.
    public private(set) var primaryTotal = RouteSecond()
    /// The whole run, secondary side (mirrored requests that reached it).
    public private(set) var secondaryTotal = RouteSecond()
    /// Sampled requests the proxy did not send to the secondary (queue full, body too large,
    /// shutting down), by reason: not the secondary's failures, so not in its figures.
    public private(set) var notMirrored: [ShadowFailure: Int] = [:]
    /// Requests whose route was past ``maxRoutes`` (tallied under ``otherRoute``).
    public private(set) var otherRouteRequests = 0
    /// Records that came after their second was closed (in the totals, not in the timeline).
    public private(set) var lateRecords = 0
    /// Records with a time before ``origin`` or not finite (in the totals, not in the timeline).
    public private(set) var outOfRangeRecords = 0

    var routes: [String: Sides] = [:]
    var open: [Int: Sides] = [:]
    var spare: [Histogram<UInt64>] = []
    var closedThrough = Int.min
    var newest = Int.min
    let templater: RouteTemplater
    var shape: [UInt8] = []
    var parameters: [RouteTemplater.Parameter] = []
    var ranges: [(Int, Int)] = []

    /// Creates a recorder whose timeline starts at `origin` (epoch seconds).
    /// - Parameters:
    ///   - openSeconds: seconds a second stays open behind the newest record; at least the
    ///     mirror timeout, so a mirrored request that took that long still lands in its second.
    ///   - maxRoutes: routes tallied apart (each costs two small histograms).
    ///   - templateRules: route rules tried before the inferred templates (as `profile --route-rule`).
    public init(origin: Double, openSeconds: Int = 4, maxRoutes: Int = 200, templateRules: [TemplateRule] = []) {
        self.origin = origin
        self.openSeconds = max(1, openSeconds)
        self.maxRoutes = max(1, maxRoutes)
        templater = RouteTemplater(rules: templateRules)
    }

    /// Adds what the proxy recorded for a batch of requests.
    public mutating func add(_ exchanges: some Sequence<ShadowExchange>) {
        for exchange in exchanges { add(exchange) }
    }

    /// Adds one proxied request.
    public mutating func add(_ exchange: ShadowExchange) {
        var mirrored = exchange.secondary
        if case let .failed(reason)? = mirrored, Self.isProxySide(reason) {
            notMirrored[reason, default: 0] += 1
            mirrored = nil
        }
        let route = routeName(exchange.record)
        let primary = Self.observation(exchange.primary, route: route, time: exchange.record.time)
        let secondary = mirrored.map { Self.observation($0, route: route, time: exchange.record.time) }
        primaryTotal.add(primary)
        if let secondary { secondaryTotal.add(secondary) }
        var tallies = routes.removeValue(forKey: route) ?? Sides(digits: .two)
        tallies.primary.add(primary)
        if let secondary { tallies.secondary.add(secondary) }
        routes[route] = tallies

        let time = exchange.record.time
        guard time.isFinite, time >= origin else { outOfRangeRecords += 1; return }
        let second = Int((time - origin).rounded(.down))
        guard second > closedThrough else { lateRecords += 1; return }
        var slot = open.removeValue(forKey: second) ?? newSeconds()
        slot.primary.add(primary)
        if let secondary { slot.secondary.add(secondary) }
        open[second] = slot
        if second > newest {
            newest = second
            close(through: newest - openSeconds)
        }
    }

    /// Closes every open second (call once the proxy has stopped).
    public mutating func finish() {
        if newest > Int.min { close(through: newest) }
    }

    /// The routes seen, busiest first on the primary.
    public var routeNames: [String] {
        routes.sorted { $0.value.primary.requests > $1.value.primary.requests || ($0.value.primary.requests == $1.value.primary.requests && $0.key < $1.key) }
            .map(\.key)
    }

    /// The primary's figures over `seconds`, per route included, as Monitor compares them.
    public func primaryResults(seconds: Double) -> RunResults {
        Self.results(primaryTotal, seconds: seconds, routes: routes.mapValues { Self.results($0.primary, seconds: seconds) })
    }

    /// The secondary's figures over `seconds`, routes that reached it included.
    public func secondaryResults(seconds: Double) -> RunResults {
        let reached = routes.filter { $0.value.secondary.requests > 0 }
        return Self.results(secondaryTotal, seconds: seconds, routes: reached.mapValues { Self.results($0.secondary, seconds: seconds) })
    }

    /// The Monitor view of one side's tally over `seconds`.
    static func results(_ tally: RouteSecond, seconds: Double, routes: [String: RunResults]? = nil) -> RunResults {
        RunResults(requests: tally.requests, durationSeconds: seconds, errors: tally.errors,
                   buckets: LatencyBuckets(histogram: tally.latency), routes: routes)
    }

    /// What Monitor counts of one side's outcome: answered (status, latency) or failed by reason.
    static func observation(_ outcome: ShadowOutcome, route: String, time: Double) -> RequestObservation {
        switch outcome {
        case let .responded(status, latency, _):
            RequestObservation(time: time, route: route, latencyMicros: UInt64(max(1, (latency * 1_000_000).rounded())), status: status)
        case let .failed(reason):
            RequestObservation(time: time, route: route, error: reason.rawValue)
        }
    }

    /// One side's figures for the second starting at `t`.
    static func sample(_ tally: RouteSecond, t: Double) -> Second {
        let answered = tally.latency.totalCount > 0
        return Second(t: t, requests: Int(tally.requests), errors: Int(tally.errorCount),
                      p50Ms: answered ? Double(tally.latency.valueAtPercentile(50)) / 1000 : 0,
                      p99Ms: answered ? Double(tally.latency.valueAtPercentile(99)) / 1000 : 0)
    }

    /// Failures that happened in the proxy before the secondary was asked.
    static func isProxySide(_ reason: ShadowFailure) -> Bool {
        switch reason {
        case .queueFull, .bodyTooLarge, .shutdown: true
        case .connectFailed, .timeout, .reset: false
        }
    }

    mutating func routeName(_ record: RequestRecord) -> String {
        var path = record.path
        let template: String = path.withUTF8 { bytes in
            templater.shape(of: ByteSpan(start: bytes.baseAddress, count: bytes.count), into: &shape, parameters: &parameters, ranges: &ranges)
            return String(decoding: shape, as: UTF8.self)
        }
        let name = record.method + " " + template
        if routes[name] != nil || routes.count < maxRoutes { return name }
        otherRouteRequests += 1
        return Self.otherRoute
    }

    /// An empty open second, on histograms of closed seconds when there are any.
    mutating func newSeconds() -> Sides {
        func side() -> RouteSecond {
            guard var histogram = spare.popLast() else { return RouteSecond(latency: RouteSecond.makeHistogram(digits: .two)) }
            histogram.reset()
            return RouteSecond(latency: histogram)
        }
        return Sides(primary: side(), secondary: side())
    }

    mutating func close(through last: Int) {
        guard last > closedThrough, let first = open.keys.min(), first <= last else { return }
        // Seconds without a request inside the timeline show as 0 req/s on the primary.
        let from = closedThrough == Int.min ? first : closedThrough + 1
        for second in from...last {
            guard let slot = open.removeValue(forKey: second) else {
                primarySeconds.append(Second(t: Double(second), requests: 0, errors: 0, p50Ms: 0, p99Ms: 0))
                continue
            }
            primarySeconds.append(Self.sample(slot.primary, t: Double(second)))
            if slot.secondary.requests > 0 { secondarySeconds.append(Self.sample(slot.secondary, t: Double(second))) }
            spare.append(slot.primary.latency)
            spare.append(slot.secondary.latency)
        }
        closedThrough = last
    }
}
