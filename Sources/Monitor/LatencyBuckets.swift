import Histogram

/// A latency distribution as sorted `(value, count)` pairs in microseconds: the `histogram_us`
/// form of results files, and what the significance tests work on.
public struct LatencyBuckets: Sendable, Hashable {
    /// One bucket.
    public struct Bucket: Sendable, Hashable {
        /// The bucket's value in microseconds.
        public var value: UInt64
        /// Samples in the bucket.
        public var count: UInt64

        /// Creates a bucket.
        public init(value: UInt64, count: UInt64) {
            self.value = value
            self.count = count
        }
    }

    /// Buckets sorted by value, with positive counts and distinct values.
    public private(set) var buckets: [Bucket]

    /// Builds from pairs in any order; equal values merge, zero counts drop.
    public init(pairs: [(value: UInt64, count: UInt64)]) {
        var merged: [UInt64: UInt64] = [:]
        for pair in pairs where pair.count > 0 { merged[pair.value, default: 0] += pair.count }
        buckets = merged.sorted { $0.key < $1.key }.map { Bucket(value: $0.key, count: $0.value) }
    }

    /// The recorded values of an HdrHistogram (value = the top of each equivalent range).
    public init(histogram: Histogram<UInt64>) {
        self.init(pairs: histogram.recordedValues().map { ($0.value, UInt64($0.count)) })
    }

    /// Samples in all buckets.
    public var totalCount: UInt64 { buckets.reduce(0) { $0 + $1.count } }

    /// The `q` quantile (0…1) in microseconds, nearest rank; 0 when empty.
    public func quantile(_ q: Double) -> UInt64 {
        let total = totalCount
        guard total > 0 else { return 0 }
        let rank = max(1, UInt64((q * Double(total)).rounded(.up)))
        var seen: UInt64 = 0
        for bucket in buckets {
            seen += bucket.count
            if seen >= rank { return bucket.value }
        }
        return buckets.last?.value ?? 0
    }

    /// Mean in microseconds.
    public var mean: Double {
        let total = totalCount
        guard total > 0 else { return 0 }
        return buckets.reduce(0.0) { $0 + Double($1.value) * Double($1.count) } / Double(total)
    }

    /// An HdrHistogram holding the same samples.
    public func histogram() -> Histogram<UInt64> {
        var histogram = RouteSecond.makeHistogram()
        for bucket in buckets { _ = histogram.record(min(bucket.value, RouteSecond.highestLatencyMicros), count: bucket.count) }
        return histogram
    }

    /// `[[value, count], …]` for JSON.
    public var pairs: [[UInt64]] { buckets.map { [$0.value, $0.count] } }
}
