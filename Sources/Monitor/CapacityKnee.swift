/// A service-level objective for capacity findings.
public struct ServiceLevelObjective: Sendable, Hashable {
    /// Highest acceptable p99 latency, milliseconds.
    public var p99Ms: Double
    /// Highest acceptable error rate (0.01 = 1%).
    public var maxErrorRate: Double

    /// Creates an SLO.
    public init(p99Ms: Double, maxErrorRate: Double = 0.01) {
        self.p99Ms = p99Ms
        self.maxErrorRate = maxErrorRate
    }
}

/// One step of a `bench` run or a ramp: the load offered and what came back.
public struct LoadStep: Sendable, Hashable {
    /// Requests per second offered.
    public var offeredRate: Double
    /// Requests per second answered successfully.
    public var achievedRate: Double
    /// 99th percentile latency, milliseconds.
    public var p99Ms: Double
    /// Errors over requests.
    public var errorRate: Double
    /// Utilization (0…1), when known.
    public var utilization: Double?

    /// Creates a step.
    public init(offeredRate: Double, achievedRate: Double, p99Ms: Double, errorRate: Double, utilization: Double? = nil) {
        self.offeredRate = offeredRate
        self.achievedRate = achievedRate
        self.p99Ms = p99Ms
        self.errorRate = errorRate
        self.utilization = utilization
    }
}

/// Where the SLO stops holding as load rises.
public struct CapacityKnee: Sendable, Hashable {
    /// The estimated rate (req/s) at which the SLO is first broken.
    public var rate: Double
    /// The highest step that met the SLO, if any.
    public var lastGoodRate: Double?
    /// The first step that broke it.
    public var firstBadRate: Double
    /// Which limit broke (`p99` or `errors`).
    public var limit: String
    /// The finding sentence.
    public var finding: Finding

    /// Finds the knee in steps of increasing offered rate; `nil` when every step met the SLO.
    ///
    /// The estimate interpolates linearly between the last good and first bad step on the metric
    /// that broke (p99 against the SLO's p99, or error rate against its maximum).
    public static func find(steps: [LoadStep], slo: ServiceLevelObjective) -> CapacityKnee? {
        let sorted = steps.sorted { $0.offeredRate < $1.offeredRate }
        guard let badIndex = sorted.firstIndex(where: { $0.p99Ms > slo.p99Ms || $0.errorRate > slo.maxErrorRate }) else { return nil }
        let bad = sorted[badIndex]
        let good = badIndex > 0 ? sorted[badIndex - 1] : nil
        let p99Broke = bad.p99Ms > slo.p99Ms
        let errorsBroke = bad.errorRate > slo.maxErrorRate
        // Interpolate on each broken metric; the earlier crossing wins.
        func crossing(_ from: Double, _ to: Double, _ limit: Double) -> Double {
            guard let good, to > from else { return bad.offeredRate }
            let fraction = min(max((limit - from) / (to - from), 0), 1)
            return good.offeredRate + fraction * (bad.offeredRate - good.offeredRate)
        }
        var candidates: [(rate: Double, limit: String)] = []
        if p99Broke { candidates.append((crossing(good?.p99Ms ?? 0, bad.p99Ms, slo.p99Ms), "p99")) }
        if errorsBroke { candidates.append((crossing(good?.errorRate ?? 0, bad.errorRate, slo.maxErrorRate), "errors")) }
        let knee = candidates.min { $0.rate < $1.rate }!
        let what = knee.limit == "p99"
            ? "p99 crossed the \(Format.ms(slo.p99Ms)) SLO (\(Format.ms(bad.p99Ms)) at \(Format.rate(bad.offeredRate)))"
            : "error rate crossed \(Format.percent(slo.maxErrorRate)) (\(Format.percent(bad.errorRate)) at \(Format.rate(bad.offeredRate)))"
        let from = good.map { " between \(Format.rate($0.offeredRate)) (p99 \(Format.ms($0.p99Ms)), errors \(Format.percent($0.errorRate))) and \(Format.rate(bad.offeredRate))" } ?? " already at the first step"
        let finding = Finding(kind: .capacityKnee, severity: .warning,
                              message: "Capacity knee at ≈ \(Format.rate(knee.rate)): \(what)\(from).")
        return CapacityKnee(rate: knee.rate, lastGoodRate: good?.offeredRate, firstBadRate: bad.offeredRate, limit: knee.limit, finding: finding)
    }
}

extension LoadStep {
    /// Steps of a ramp or `bench` run from its per-second series: each window is the offered
    /// rate and the seconds it was offered for (skip warm-up seconds when choosing them).
    public static func steps(from series: TrafficSeries, windows: [(offeredRate: Double, seconds: ClosedRange<Int>)]) -> [LoadStep] {
        windows.map { window in
            let total = series.total(seconds: window.seconds)
            let duration = Double(window.seconds.count)
            let p99 = total.latency.totalCount > 0 ? Double(total.latency.valueAtPercentile(99)) / 1000 : 0
            return LoadStep(offeredRate: window.offeredRate,
                            achievedRate: Double(total.requests - total.errorCount) / duration,
                            p99Ms: p99, errorRate: total.errorRate)
        }
    }
}
