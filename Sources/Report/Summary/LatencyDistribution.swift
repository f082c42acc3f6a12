/// Overall latency by percentile for each target, as read from their HDR histograms.
public struct LatencyDistribution: Codable, Sendable, Equatable {
    /// Percentile curve of the primary; empty if there was no primary.
    public var primary: [PercentilePoint]
    /// Percentile curve of the secondary (or of the only target).
    public var secondary: [PercentilePoint]

    /// Creates a distribution.
    public init(primary: [PercentilePoint] = [], secondary: [PercentilePoint] = []) {
        self.primary = primary
        self.secondary = secondary
    }

    /// Percentiles to read from a histogram for a smooth HDR-style curve: dense up to 90%, then
    /// halving the tail each step (like HdrHistogram's percentile output), up to 99.999% and max.
    public static let recommendedPercentiles: [Double] = [
        0, 10, 20, 30, 40, 50, 55, 60, 65, 70, 75, 80, 85, 90, 92.5, 95, 96.25, 97.5, 98.125, 98.75,
        99, 99.25, 99.5, 99.75, 99.875, 99.9, 99.95, 99.975, 99.99, 99.995, 99.999, 100,
    ]

    /// True when neither curve has a point.
    public var isEmpty: Bool { primary.isEmpty && secondary.isEmpty }
}

/// Latency at one percentile.
public struct PercentilePoint: Codable, Sendable, Equatable {
    /// Percentile in percent, 0…100 (e.g. 99.9).
    public var percentile: Double
    /// Latency at that percentile in milliseconds.
    public var latencyMs: Double

    /// Creates a point.
    public init(percentile: Double, latencyMs: Double) {
        self.percentile = percentile
        self.latencyMs = latencyMs
    }
}
