/// Thresholds of a primary-vs-secondary comparison.
public struct ComparisonConfiguration: Sendable, Hashable {
    /// Significance level of the tests.
    public var alpha: Double
    /// A latency regression needs the secondary's p50 or p99 at least this many times the primary's
    /// (significance alone would flag tiny shifts once samples are large).
    public var minLatencyRatio: Double
    /// An error regression needs the error rate at least this much higher (absolute, 0.01 = 1 point).
    public var minErrorRateIncrease: Double
    /// Routes with fewer requests on either side are reported as insufficient data.
    public var minRequests: UInt64
    /// Relative difference of request rates beyond which the load is called unmatched.
    public var loadTolerance: Double

    /// Creates a configuration.
    public init(alpha: Double = 0.01, minLatencyRatio: Double = 1.2, minErrorRateIncrease: Double = 0.01,
                minRequests: UInt64 = 50, loadTolerance: Double = 0.15) {
        self.alpha = alpha
        self.minLatencyRatio = minLatencyRatio
        self.minErrorRateIncrease = minErrorRateIncrease
        self.minRequests = minRequests
        self.loadTolerance = loadTolerance
    }
}

/// One route compared (or all routes, with `route == "*"`).
public struct RouteComparison: Sendable, Hashable, Codable {
    /// What the comparison concluded.
    public enum Verdict: String, Sendable, Hashable, Codable {
        case regression, improvement, unchanged
        case insufficientData = "insufficient_data"
    }

    /// Route name (`*` for all routes).
    public var route: String
    /// Requests in the primary run.
    public var primaryRequests: UInt64
    /// Requests in the secondary run.
    public var secondaryRequests: UInt64
    /// Primary request rate, req/s.
    public var primaryRate: Double
    /// Secondary request rate, req/s.
    public var secondaryRate: Double
    /// Primary median latency, ms.
    public var primaryP50: Double
    /// Secondary median latency, ms.
    public var secondaryP50: Double
    /// Primary 99th percentile latency, ms.
    public var primaryP99: Double
    /// Secondary 99th percentile latency, ms.
    public var secondaryP99: Double
    /// Secondary p50 over primary p50 (1 when the primary's is 0).
    public var p50Ratio: Double
    /// Secondary p99 over primary p99 (1 when the primary's is 0).
    public var p99Ratio: Double
    /// Primary errors over requests.
    public var primaryErrorRate: Double
    /// Secondary errors over requests.
    public var secondaryErrorRate: Double
    /// Mann–Whitney two-sided p-value of the latency distributions.
    public var latencyPValue: Double
    /// P(a secondary request is slower than a primary one).
    public var probabilitySlower: Double
    /// Two-proportion p-value of the error rates.
    public var errorPValue: Double
    /// Whether latency regressed (significant and at least the minimum ratio).
    public var latencyRegression: Bool
    /// Whether the error rate regressed (significant and at least the minimum increase).
    public var errorRegression: Bool
    /// The conclusion.
    public var verdict: Verdict

    /// How much worse the secondary is: the larger latency ratio, plus 10× the error-rate increase.
    public var degradation: Double { max(p50Ratio, p99Ratio) + 10 * max(0, secondaryErrorRate - primaryErrorRate) }
}

/// The result of comparing a secondary run with a primary run.
public struct ComparisonReport: Sendable, Codable {
    /// All routes together.
    public var overall: RouteComparison
    /// Routes seen on both sides, most degraded first.
    public var routes: [RouteComparison]
    /// Secondary rate over primary rate.
    public var loadRatio: Double
    /// Whether the rates are within the load tolerance.
    public var loadMatched: Bool
    /// The sentences.
    public var findings: [Finding]
}

/// Compares a secondary's results with a primary's at matched load.
public struct Comparator: Sendable {
    /// The thresholds.
    public var configuration: ComparisonConfiguration

    /// Creates a comparator.
    public init(configuration: ComparisonConfiguration = ComparisonConfiguration()) {
        self.configuration = configuration
    }

    /// Compares two runs route by route.
    public func compare(primary: RunResults, secondary: RunResults) -> ComparisonReport {
        let overall = compare(route: "*", primary, secondary)
        let names = Set((primary.routes ?? [:]).keys).intersection((secondary.routes ?? [:]).keys)
        let routes = names.map { compare(route: $0, primary.routes![$0]!, secondary.routes![$0]!) }
            .sorted { $0.degradation != $1.degradation ? $0.degradation > $1.degradation : $0.route < $1.route }
        let loadRatio = primary.rps > 0 ? secondary.rps / primary.rps : 0
        let matched = abs(loadRatio - 1) <= configuration.loadTolerance
        var findings: [Finding] = []
        if !matched {
            findings.append(Finding(
                kind: .loadMismatch, severity: .warning,
                message: "Load not matched: secondary ran at \(Format.rate(secondary.rps)) vs primary \(Format.rate(primary.rps)) (\(Format.ratio(loadRatio))); differences may come from the load, not the service."))
        }
        for route in routes { findings += self.findings(for: route) }
        let onlyPrimary = Set((primary.routes ?? [:]).keys).subtracting(names).sorted()
        if !onlyPrimary.isEmpty {
            findings.append(Finding(kind: .insufficientData, severity: .info,
                                    message: "\(onlyPrimary.count) route(s) only in the primary run: \(onlyPrimary.prefix(5).joined(separator: ", "))."))
        }
        let regressed = routes.filter { $0.verdict == .regression }
        if regressed.count > 1 {
            findings.append(Finding(
                kind: .bottleneckRanking, severity: .info,
                message: "Routes by degradation: " + regressed.map { "\($0.route) (\(Format.ratio(max($0.p50Ratio, $0.p99Ratio))))" }.joined(separator: ", ") + "."))
        }
        if routes.isEmpty { findings += self.findings(for: overall) }
        if !findings.contains(where: { $0.kind == .latencyRegression || $0.kind == .errorRegression }) {
            findings.append(Finding(
                kind: .noRegression, severity: .info,
                message: "No significant regression: overall p50 \(Format.ratio(overall.p50Ratio)), p99 \(Format.ratio(overall.p99Ratio)), error rate \(Format.percent(overall.secondaryErrorRate)) vs \(Format.percent(overall.primaryErrorRate)) over \(overall.secondaryRequests)/\(overall.primaryRequests) requests."))
        }
        return ComparisonReport(overall: overall, routes: routes, loadRatio: loadRatio, loadMatched: matched, findings: findings)
    }

    func compare(route: String, _ primary: RunResults, _ secondary: RunResults) -> RouteComparison {
        let config = configuration
        let a = primary.buckets, b = secondary.buckets
        let test = SignificanceTest.mannWhitney(a, b)
        let ap50 = Double(a.quantile(0.5)) / 1000, bp50 = Double(b.quantile(0.5)) / 1000
        let ap99 = Double(a.quantile(0.99)) / 1000, bp99 = Double(b.quantile(0.99)) / 1000
        let p50Ratio = ap50 > 0 ? bp50 / ap50 : 1, p99Ratio = ap99 > 0 ? bp99 / ap99 : 1
        let errorP = SignificanceTest.proportions(
            errors1: primary.errorCount, n1: primary.requests, errors2: secondary.errorCount, n2: secondary.requests)
        let enough = primary.requests >= config.minRequests && secondary.requests >= config.minRequests
        let latencyP = test?.pValue ?? 1
        let slower = test?.probabilitySecondLarger ?? 0.5
        let latencyRegression = enough && latencyP < config.alpha && slower > 0.5
            && max(p50Ratio, p99Ratio) >= config.minLatencyRatio
        let errorRegression = enough && errorP < config.alpha
            && secondary.errorRate - primary.errorRate >= config.minErrorRateIncrease
        let improvement = enough && latencyP < config.alpha && slower < 0.5
            && max(p50Ratio, p99Ratio) <= 1 / config.minLatencyRatio && !errorRegression
        let verdict: RouteComparison.Verdict = !enough ? .insufficientData
            : (latencyRegression || errorRegression) ? .regression : improvement ? .improvement : .unchanged
        return RouteComparison(
            route: route, primaryRequests: primary.requests, secondaryRequests: secondary.requests,
            primaryRate: primary.rps, secondaryRate: secondary.rps,
            primaryP50: ap50, secondaryP50: bp50, primaryP99: ap99, secondaryP99: bp99, p50Ratio: p50Ratio, p99Ratio: p99Ratio,
            primaryErrorRate: primary.errorRate, secondaryErrorRate: secondary.errorRate,
            latencyPValue: latencyP, probabilitySlower: slower, errorPValue: errorP,
            latencyRegression: latencyRegression, errorRegression: errorRegression, verdict: verdict)
    }

    func findings(for route: RouteComparison) -> [Finding] {
        var out: [Finding] = []
        let name = route.route == "*" ? "All routes" : route.route
        if route.latencyRegression {
            let worse = route.p99Ratio >= route.p50Ratio
            out.append(Finding(
                kind: .latencyRegression, severity: max(route.p50Ratio, route.p99Ratio) >= 2 ? .critical : .warning, route: route.route,
                message: "\(name): \(worse ? "p99" : "p50") \(Format.ratio(worse ? route.p99Ratio : route.p50Ratio)) slower on secondary (\(Format.ms(worse ? route.secondaryP99 : route.secondaryP50)) vs \(Format.ms(worse ? route.primaryP99 : route.primaryP50)); \(worse ? "p50" : "p99") \(Format.ratio(worse ? route.p50Ratio : route.p99Ratio)); Mann–Whitney \(Format.p(route.latencyPValue)), n = \(route.secondaryRequests)/\(route.primaryRequests))."))
        }
        if route.errorRegression {
            out.append(Finding(
                kind: .errorRegression, severity: route.secondaryErrorRate - route.primaryErrorRate >= 0.05 ? .critical : .warning, route: route.route,
                message: "\(name): error rate \(Format.percent(route.secondaryErrorRate)) on secondary vs \(Format.percent(route.primaryErrorRate)) on primary (+\(Format.fixed((route.secondaryErrorRate - route.primaryErrorRate) * 100, 2)) points, \(Format.p(route.errorPValue)))."))
        }
        if route.verdict == .improvement {
            out.append(Finding(
                kind: .improvement, severity: .info, route: route.route,
                message: "\(name): faster on secondary (p50 \(Format.ratio(route.p50Ratio)), p99 \(Format.ratio(route.p99Ratio)); \(Format.p(route.latencyPValue)))."))
        }
        if route.verdict == .insufficientData {
            out.append(Finding(
                kind: .insufficientData, severity: .info, route: route.route,
                message: "\(name): too few requests to compare (\(route.secondaryRequests) secondary, \(route.primaryRequests) primary; need \(configuration.minRequests))."))
        }
        return out
    }
}
