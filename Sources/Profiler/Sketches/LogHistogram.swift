/// A bounded-memory quantile sketch for non-negative values: log-spaced buckets with 32 per
/// power of two (≤ ~1.1 % relative error), exact count, min, max and sum. Mergeable.
public struct LogHistogram: Sendable, Equatable {
    private static let subBuckets = 32
    private var buckets: [UInt32] = []
    /// Values recorded.
    public private(set) var count = 0
    /// Smallest value.
    public private(set) var min = Double.infinity
    /// Largest value.
    public private(set) var max = -Double.infinity
    /// Sum of values.
    public private(set) var sum: Double = 0
    /// Scale applied before bucketing (e.g. 1e6 for seconds → microseconds).
    public let scale: Double

    /// Creates an empty histogram; values are multiplied by `scale` before bucketing.
    public init(scale: Double = 1) {
        self.scale = scale
    }

    @inline(__always)
    static func bucket(_ scaled: UInt64) -> Int {
        if scaled < UInt64(subBuckets) { return Int(scaled) }
        let exponent = 63 - scaled.leadingZeroBitCount  // ≥ 5
        let mantissa = Int((scaled >> UInt64(exponent - 5)) & 31)
        return (exponent - 4) * subBuckets + mantissa
    }

    @inline(__always)
    static func lowerBound(_ bucket: Int) -> Double {
        if bucket < subBuckets { return Double(bucket) }
        let exponent = bucket / subBuckets + 4
        let mantissa = bucket % subBuckets
        return Double(UInt64(32 + mantissa) << UInt64(exponent - 5))
    }

    /// Records a value (negative values count as 0).
    @inline(__always)
    public mutating func record(_ value: Double) {
        let v = value < 0 ? 0 : value
        count += 1
        sum += v
        if v < min { min = v }
        if v > max { max = v }
        let scaled = v * scale
        let index = Self.bucket(scaled >= 1.8e19 ? UInt64.max >> 1 : UInt64(scaled))
        if index >= buckets.count { buckets.append(contentsOf: repeatElement(0, count: index + 1 - buckets.count)) }
        buckets[index] &+= 1
    }

    /// Adds another histogram's observations (same scale).
    public mutating func merge(_ other: LogHistogram) {
        guard other.count > 0 else { return }
        if other.buckets.count > buckets.count { buckets.append(contentsOf: repeatElement(0, count: other.buckets.count - buckets.count)) }
        for (index, value) in other.buckets.enumerated() { buckets[index] &+= value }
        count += other.count
        sum += other.sum
        min = Swift.min(min, other.min)
        max = Swift.max(max, other.max)
    }

    /// The value at probability `p` (0…1), interpolated inside its bucket, clamped to [min, max].
    public func quantile(_ p: Double) -> Double {
        guard count > 0 else { return 0 }
        if p <= 0 { return min }
        if p >= 1 { return max }
        let rank = p * Double(count - 1)
        var seen = 0.0
        for (index, value) in buckets.enumerated() where value > 0 {
            let next = seen + Double(value)
            if rank < next {
                let low = Self.lowerBound(index)
                let high = index + 1 < Int.max ? Self.lowerBound(index + 1) : low
                let fraction = value > 1 ? (rank - seen) / Double(value - 1 > 0 ? value : 1) : 0.5
                let estimate = (low + (high - low) * fraction) / scale
                return Swift.min(Swift.max(estimate, min), max)
            }
            seen = next
        }
        return max
    }

    /// The probability levels written to profiles.
    public static let summaryLevels: [Double] = [0, 0.01, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 1]

    /// A ``QuantileSummary`` at ``summaryLevels``, or `nil` when empty.
    public func summary() -> QuantileSummary? {
        guard count > 0 else { return nil }
        return QuantileSummary(
            count: count, min: min, max: max, mean: sum / Double(count), probabilities: Self.summaryLevels,
            values: Self.summaryLevels.map { quantile($0) })
    }
}
