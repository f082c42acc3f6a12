import Foundation

/// Additive Holt-Winters (damped trend) on the log scale; smoothing parameters chosen by a grid
/// search on one-step errors; intervals from the one-step residuals widened with the horizon.
struct HoltWintersModel: LogScaleModel {
    let season: Int
    var name: String { "holt_winters" }

    struct Fit {
        var level: Double, trend: Double, seasonal: [Double], residuals: [Double], alpha: Double, sse: Double
    }
    static let phi = 0.98

    static func run(_ z: ArraySlice<Double>, m: Int, alpha: Double, beta: Double, gamma: Double, keepResiduals: Bool) -> Fit {
        let base = z.startIndex
        let n = z.count
        // initial level and seasonal indices from the first season
        let first = z[base..<(base + m)]
        var level = first.reduce(0, +) / Double(m)
        var trend = 0.0
        if n >= 2 * m {
            let second = z[(base + m)..<(base + 2 * m)].reduce(0, +) / Double(m)
            trend = (second - level) / Double(m)
        }
        var seasonal = first.map { $0 - level }
        var sse = 0.0
        var residuals: [Double] = []
        if keepResiduals { residuals.reserveCapacity(n) }
        for i in m..<n {
            let y = z[base + i]
            let si = i % m
            let pred = level + phi * trend + seasonal[si]
            let e = y - pred
            if i >= 2 * m || n < 3 * m { sse += e * e }
            if keepResiduals { residuals.append(e) }
            let newLevel = alpha * (y - seasonal[si]) + (1 - alpha) * (level + phi * trend)
            trend = beta * (newLevel - level) + (1 - beta) * phi * trend
            seasonal[si] = gamma * (y - newLevel) + (1 - gamma) * seasonal[si]
            level = newLevel
        }
        return Fit(level: level, trend: trend, seasonal: seasonal, residuals: residuals, alpha: alpha, sse: sse)
    }

    func forecast(_ s: SeriesContext, origin: Int, horizon: Int, quantiles: [Double]) -> [[Double]] {
        let m = max(1, season)
        let lo = max(0, origin - max(6 * m, 2000))
        let z = s.logValues[lo..<origin]
        guard z.count >= m + 2 else {
            return NaiveModel().forecast(s, origin: origin, horizon: horizon, quantiles: quantiles)
        }
        var best: (a: Double, b: Double, g: Double, sse: Double) = (0.2, 0.01, 0.1, .infinity)
        for a in [0.02, 0.05, 0.1, 0.2, 0.4] {
            for b in [0.0, 0.01, 0.05] {
                for g in m > 1 ? [0.05, 0.15, 0.3] : [0.0] {
                    let f = Self.run(z, m: m, alpha: a, beta: b, gamma: g, keepResiduals: false)
                    if f.sse < best.sse { best = (a, b, g, f.sse) }
                }
            }
        }
        let fit = Self.run(z, m: m, alpha: best.a, beta: best.b, gamma: best.g, keepResiduals: true)
        var res = Array(fit.residuals.suffix(2000))
        res.sort()
        let med = Quantiles.of(sorted: res, 0.5)
        let offsets = quantiles.map { Quantiles.of(sorted: res, $0) - med }
        let n = z.count
        var damp = 0.0
        return (1...horizon).map { k in
            damp += pow(Self.phi, Double(k))
            let point = fit.level + damp * fit.trend + fit.seasonal[(n + k - 1) % m]
            // variance grows roughly as 1 + (k-1) alpha^2 (level random walk), capped by the seasonal error
            let widen = min(sqrt(1 + Double(k - 1) * fit.alpha * fit.alpha), 3)
            return offsets.map { point + $0 * widen }
        }
    }
}
