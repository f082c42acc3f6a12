import Histogram

/// Percentiles of a microsecond histogram, in milliseconds (the unit of the JSON reports).
public struct LatencySummary: Sendable, Equatable, Codable {
    public var p50: Double
    public var p90: Double
    public var p99: Double
    public var p999: Double
    public var max: Double
    public var mean: Double

    /// Summarizes a histogram recorded in microseconds.
    public init(microseconds histogram: Histogram<UInt64>) {
        guard histogram.totalCount > 0 else {
            self.init(p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0)
            return
        }
        func ms(_ value: UInt64) -> Double { Double(value) / 1000 }
        self.init(p50: ms(histogram.valueAtPercentile(50)), p90: ms(histogram.valueAtPercentile(90)),
                  p99: ms(histogram.valueAtPercentile(99)), p999: ms(histogram.valueAtPercentile(99.9)),
                  max: ms(histogram.max), mean: histogram.mean / 1000)
    }

    public init(p50: Double, p90: Double, p99: Double, p999: Double, max: Double, mean: Double) {
        self.p50 = p50
        self.p90 = p90
        self.p99 = p99
        self.p999 = p999
        self.max = max
        self.mean = mean
    }
}

extension Histogram where Count == UInt64 {
    /// Non-empty HDR buckets as `[value_us, count]` pairs (value: the bucket's highest equivalent value).
    public var bucketPairs: [[UInt64]] {
        recordedValues().map { [$0.value, $0.count] }
    }

    /// A histogram rebuilt from `[value_us, count]` pairs (as written in the JSON reports).
    public static func fromBucketPairs(_ pairs: [[UInt64]]) -> Histogram<UInt64> {
        var histogram = Histogram<UInt64>.microseconds()
        for pair in pairs where pair.count == 2 {
            _ = histogram.record(Swift.min(pair[0], histogram.highestTrackableValue), count: pair[1])
        }
        return histogram
    }

    /// The value at `percentile` (0...100) in microseconds.
    public func microsecondsAt(_ percentile: Double) -> UInt64 { valueAtPercentile(percentile) }
}
