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
