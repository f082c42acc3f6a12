import Traffic

/// The values one parameter (or query key) took: Space-Saving top-N over byte strings,
/// HyperLogLog distinct estimate, length range, and a count of secret-looking values that were
/// never stored. Memory is bounded by ``capacity`` × ``maxValueLength``.
public struct ValueSketch: Sendable {
    /// Values tracked by Space-Saving (the profile lists the top `capacity / 2`).
    public let capacity: Int
    /// Values longer than this are tracked truncated.
    public let maxValueLength = 96
    private var values: [String] = []
    private var counts: [Int] = []
    private var errors: [Int] = []
    private var index: [UInt64: Int] = [:]
    private var hashes: [UInt64] = []
    private var distinct = HyperLogLog()
    /// Observations (including withheld ones).
    public private(set) var count = 0
    /// Observations not stored because they looked like secrets.
    public private(set) var withheld = 0
    private var minLength = Int.max
    private var maxLength = 0

    /// Creates a sketch tracking `capacity` values.
    public init(capacity: Int = 40) {
        self.capacity = capacity
    }

    /// Records a value given as bytes.
    public mutating func record(_ span: ByteSpan, weight: Int = 1) {
        count += weight
        minLength = Swift.min(minLength, span.count)
        maxLength = Swift.max(maxLength, span.count)
        let length = Swift.min(span.count, maxValueLength)
        let hash = ByteInterner.hash(span.start, length)
        distinct.add(hash: hash)
        if SegmentKind.looksSecret(span.start, span.count) {
            withheld += weight
            return
        }
        if let slot = index[hash] {
            counts[slot] += weight
            return
        }
        let value = ByteSpan(start: span.start, count: length).string
        if values.count < capacity {
            index[hash] = values.count
            values.append(value)
            counts.append(weight)
            errors.append(0)
            hashes.append(hash)
            return
        }
        // Replace the minimum (Space-Saving): the newcomer inherits its count as error.
        var minimum = 0
        for slot in 1..<counts.count where counts[slot] < counts[minimum] { minimum = slot }
        index[hashes[minimum]] = nil
        index[hash] = minimum
        errors[minimum] = counts[minimum]
        counts[minimum] += weight
        values[minimum] = value
        hashes[minimum] = hash
    }

    /// Records a value given as a string.
    public mutating func record(_ text: String, weight: Int = 1) {
        var text = text
        text.withUTF8 { record(ByteSpan(start: $0.baseAddress, count: $0.count), weight: weight) }
    }

    /// Adds another sketch's observations.
    public mutating func merge(_ other: ValueSketch) {
        for slot in 0..<other.values.count { record(other.values[slot], weight: other.counts[slot]) }
        // `record` above counted these again in `count`; fix totals to the true sums.
        let recorded = other.counts.reduce(0, +)
        count += other.count - recorded
        withheld += other.withheld
        distinct.merge(other.distinct)
        if other.count > 0 {
            minLength = Swift.min(minLength, other.minLength)
            maxLength = Swift.max(maxLength, other.maxLength)
        }
    }

    /// The value model for the profile: top `limit` values, distinct estimate, Zipf fit.
    public func model(limit: Int = 20) -> ValueModel {
        let order = counts.indices.sorted { counts[$0] != counts[$1] ? counts[$0] > counts[$1] : values[$0] < values[$1] }
        let total = Swift.max(count, 1)
        let top = order.prefix(limit).map { WeightedValue(value: values[$0], weight: Double(counts[$0] - errors[$0]) / Double(total), count: counts[$0] - errors[$0]) }
        let ranked = order.map { Double(counts[$0] - errors[$0]) }.filter { $0 > 0 }
        return ValueModel(
            count: count, top: top, topWeight: top.reduce(0) { $0 + $1.weight },
            distinctEstimate: Swift.max(distinct.estimate, Swift.min(values.count, count)),
            zipfExponent: Self.zipfExponent(ranked), withheld: withheld,
            minLength: count > 0 ? minLength : 0, maxLength: maxLength)
    }

    /// Least-squares slope of log(frequency) against log(rank), negated; `nil` for < 3 values.
    static func zipfExponent(_ ranked: [Double]) -> Double? {
        guard ranked.count >= 3 else { return nil }
        let xs = (1...ranked.count).map { log(Double($0)) }
        let ys = ranked.map { log($0) }
        let mx = xs.reduce(0, +) / Double(xs.count), my = ys.reduce(0, +) / Double(ys.count)
        var num = 0.0, den = 0.0
        for i in 0..<xs.count { num += (xs[i] - mx) * (ys[i] - my); den += (xs[i] - mx) * (xs[i] - mx) }
        guard den > 0 else { return nil }
        return Swift.max(0, -num / den)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
