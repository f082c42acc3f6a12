import Foundation

/// Maps a data interval onto a pixel interval, with "nice" tick values.
struct LinearScale: Sendable {
    var domain: ClosedRange<Double>
    var range: ClosedRange<Double>
    /// When true, larger data values map to smaller pixel values (y axes).
    var inverted = false

    /// Builds a domain from values, widening degenerate or empty domains so that the mapping
    /// is always finite: no values → 0…1, a single value v → around v.
    static func domain(covering values: [Double], includeZero: Bool, padTop: Double = 0.05) -> ClosedRange<Double> {
        let finite = values.filter(\.isFinite)
        guard var lo = finite.min(), var hi = finite.max() else { return 0...1 }
        if includeZero { lo = min(lo, 0); hi = max(hi, 0) }
        if hi - lo < 1e-12 {
            let pad = abs(hi) > 1e-12 ? abs(hi) * 0.5 : 1
            return includeZero && lo >= 0 ? 0...(hi + pad) : (lo - pad)...(hi + pad)
        }
        hi += (hi - lo) * padTop
        return lo...hi
    }

    func callAsFunction(_ value: Double) -> Double {
        let span = domain.upperBound - domain.lowerBound
        var fraction = span > 0 ? (value - domain.lowerBound) / span : 0.5
        if !fraction.isFinite { fraction = 0.5 }
        if inverted { fraction = 1 - fraction }
        return range.lowerBound + fraction * (range.upperBound - range.lowerBound)
    }

    /// Round tick values inside the domain (1, 2, 2.5 or 5 × 10ⁿ apart), about `count` of them.
    func ticks(count: Int = 5) -> [Double] {
        Self.niceTicks(in: domain, count: count)
    }

    static func niceStep(span: Double, count: Int) -> Double {
        guard span > 0, span.isFinite else { return 1 }
        let raw = span / Double(max(1, count))
        let magnitude = pow(10, floor(log10(raw)))
        let residual = raw / magnitude
        let nice: Double = residual <= 1 ? 1 : residual <= 2 ? 2 : residual <= 2.5 ? 2.5 : residual <= 5 ? 5 : 10
        return nice * magnitude
    }

    static func niceTicks(in domain: ClosedRange<Double>, count: Int) -> [Double] {
        let step = niceStep(span: domain.upperBound - domain.lowerBound, count: count)
        let first = ceil(domain.lowerBound / step - 1e-9) * step
        var ticks: [Double] = []
        var value = first
        while value <= domain.upperBound + step * 1e-9, ticks.count < 50 {
            ticks.append(abs(value) < step * 1e-9 ? 0 : value)
            value += step
        }
        return ticks
    }
}
