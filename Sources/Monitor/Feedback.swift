/// Predicted versus observed traffic over one window: what `Forecast`'s adaptation consumes.
public struct ForecastFeedback: Sendable, Hashable, Codable {
    /// Window start (seconds, the series' clock).
    public var windowStart: Double
    /// Window end (seconds, the series' clock).
    public var windowEnd: Double
    /// Forecast request rate (req/s).
    public var predictedRate: Double
    /// Observed request rate (req/s).
    public var observedRate: Double
    /// Forecast share of each route.
    public var predictedMix: [String: Double]
    /// Observed share of each route.
    public var observedMix: [String: Double]

    /// observed / predicted − 1 (0.1 = 10% more traffic than forecast).
    public var rateError: Double { predictedRate > 0 ? observedRate / predictedRate - 1 : 0 }

    /// Total-variation distance between the mixes (0 identical, 1 disjoint).
    public var mixDistance: Double {
        let keys = Set(predictedMix.keys).union(observedMix.keys)
        return keys.reduce(0) { $0 + abs((predictedMix[$1] ?? 0) - (observedMix[$1] ?? 0)) } / 2
    }

    /// Compares a forecast with what a series observed in `[start, end)` whole seconds.
    public static func compare(predictedRate: Double, predictedMix: [String: Double], observed series: TrafficSeries,
                               from start: Int, to end: Int) -> ForecastFeedback {
        let range = start...max(start, end - 1)
        let total = series.total(seconds: range)
        let seconds = Double(max(1, end - start))
        var mix: [String: Double] = [:]
        if total.requests > 0 {
            for route in series.routes {
                let count = series.total(route: route, seconds: range).requests
                if count > 0 { mix[route] = Double(count) / Double(total.requests) }
            }
        }
        let predictedTotal = predictedMix.values.reduce(0, +)
        let normalized = predictedTotal > 0 ? predictedMix.mapValues { $0 / predictedTotal } : predictedMix
        return ForecastFeedback(windowStart: Double(start), windowEnd: Double(end), predictedRate: predictedRate,
                                observedRate: Double(total.requests) / seconds, predictedMix: normalized, observedMix: mix)
    }
}

/// Measured capacity per instance: what the autoscaler's predictive policy divides by.
public struct CapacityFeedback: Sendable, Hashable, Codable {
    /// Requests per second one instance serves within the SLO.
    public var capacityPerInstance: Double
    /// Instances during the measurement.
    public var instances: Int
    /// The measured total (the knee rate).
    public var measuredRate: Double
    /// How it was measured (`knee`, `saturation`).
    public var source: String

    /// Capacity per instance from a knee measured with `instances` instances.
    public init(knee: CapacityKnee, instances: Int) {
        capacityPerInstance = knee.rate / Double(max(1, instances))
        self.instances = instances
        measuredRate = knee.rate
        source = "knee (\(knee.limit))"
    }
}
