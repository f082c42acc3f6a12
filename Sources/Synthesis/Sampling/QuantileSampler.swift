import Profiler
import Traffic

/// Inverse-transform sampling from a ``QuantileSummary`` with linear interpolation between
/// adjacent quantile points (as Sources/Profiler/Profiler.docc/ProfileSchema.md prescribes).
public struct QuantileSampler: Sendable, Equatable {
    private let probabilities: [Double]
    private let values: [Double]

    /// Creates a sampler; a summary with fewer than two points samples its mean (or `fallback`).
    public init(_ summary: QuantileSummary?, fallback: Double = 0) {
        guard let summary, summary.probabilities.count == summary.values.count, summary.probabilities.count >= 2 else {
            let constant = summary.map { $0.mean.isFinite ? $0.mean : fallback } ?? fallback
            probabilities = [0, 1]
            values = [constant, constant]
            return
        }
        var p: [Double] = []
        var v: [Double] = []
        for (probability, value) in zip(summary.probabilities, summary.values) where probability.isFinite && value.isFinite {
            if let last = p.last, probability <= last { continue }
            p.append(probability)
            v.append(max(value, v.last ?? -.infinity))
        }
        if p.count < 2 {
            let constant = summary.mean.isFinite ? summary.mean : fallback
            p = [0, 1]
            v = [constant, constant]
        }
        probabilities = p
        values = v
    }

    /// The value at probability `u` in [0, 1].
    @inline(__always)
    public func value(at u: Double) -> Double {
        if u <= probabilities[0] { return values[0] }
        var i = 1
        let n = probabilities.count
        while i < n - 1 && probabilities[i] < u { i += 1 }
        let p0 = probabilities[i - 1], p1 = probabilities[i]
        if u >= p1 { return values[i] }
        let t = (u - p0) / (p1 - p0)
        return values[i - 1] + (values[i] - values[i - 1]) * t
    }

    /// The largest value drawn.
    var maxValue: Double { values.last ?? 0 }

    /// Mean of the piecewise-linear inverse CDF (used to derive session start rates).
    public var mean: Double {
        var total = 0.0
        for i in 1..<probabilities.count {
            total += (probabilities[i] - probabilities[i - 1]) * (values[i] + values[i - 1]) / 2
        }
        let covered = probabilities.last! - probabilities[0]
        return covered > 0 ? total / covered : values[0]
    }

    /// Draws a value.
    @inline(__always)
    public func sample(_ random: inout SeededRandom) -> Double {
        value(at: random.nextUnit())
    }
}
