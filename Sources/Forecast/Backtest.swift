import Foundation

/// Backtest accuracy of one model over rolling origins (series units).
public struct BacktestMetrics: Sendable, Equatable, Codable {
    /// Mean absolute scaled error of the median (scale: in-sample seasonal-naive MAE before the first origin).
    public var mase: Double
    /// Symmetric MAPE of the median, in percent (0...200).
    public var smape: Double
    /// Mean pinball loss over the quantiles, in series units.
    public var pinball: Double
    /// Fraction of actual values inside the 10%–90% interval (nominal 0.8).
    public var coverage80: Double
    /// Number of forecast origins and of forecast steps scored.
    public var origins: Int
    public var steps: Int
}

/// Where the rolling-origin backtest cuts the series.
struct BacktestPlan: Sendable {
    /// Each origin: forecasts start at this index, using only the values before it.
    var origins: [Int]
    /// Steps scored after each origin.
    var horizon: Int
    /// MASE denominator (series units).
    var scale: Double
    var scaleLag: Int

    /// Consecutive blocks at the end of the series; at least half of the series stays before the first origin.
    static func make(values: [Double], horizon: Int, season: Int, origins requested: Int) -> BacktestPlan? {
        let n = values.count
        guard n >= 8 else { return nil }
        let hb = max(1, min(horizon, n / 4))
        var r = max(1, requested)
        while r > 1, n - r * hb < n / 2 { r -= 1 }
        let first = n - r * hb
        guard first >= 4 else { return nil }
        let lag = season > 1 && season < first / 2 ? season : 1
        var s = 0.0
        for t in lag..<first { s += abs(values[t] - values[t - lag]) }
        var scale = s / Double(first - lag)
        if !(scale > 1e-9) {
            let meanAbs = values[..<first].reduce(0) { $0 + abs($1) } / Double(first)
            scale = meanAbs > 0 ? meanAbs : 1
        }
        return BacktestPlan(origins: (0..<r).map { first + $0 * hb }, horizon: hb, scale: scale, scaleLag: lag)
    }

    /// Scores forecasts (`forecasts[r][k][q]`, series units) against the actual values.
    func score(_ forecasts: [[[Double]]], actual: [Double], quantiles: [Double]) -> BacktestMetrics {
        let mid = quantiles.firstIndex { abs($0 - 0.5) < 1e-9 } ?? quantiles.count / 2
        let lo = quantiles.firstIndex { abs($0 - 0.1) < 1e-9 }, hi = quantiles.firstIndex { abs($0 - 0.9) < 1e-9 }
        var ae = 0.0, sm = 0.0, pin = 0.0, inside = 0, count = 0
        for (r, origin) in origins.enumerated() {
            for k in 0..<horizon {
                let a = actual[origin + k]
                let row = forecasts[r][k]
                let f = row[mid]
                ae += abs(a - f)
                let d = abs(a) + abs(f)
                sm += d > 0 ? 200 * abs(a - f) / d : 0
                for (qi, q) in quantiles.enumerated() {
                    let e = a - row[qi]
                    pin += e >= 0 ? q * e : (q - 1) * e
                }
                if let lo, let hi, a >= row[lo], a <= row[hi] { inside += 1 }
                count += 1
            }
        }
        let c = Double(max(1, count))
        return BacktestMetrics(
            mase: ae / c / scale, smape: sm / c, pinball: pin / c / Double(quantiles.count),
            coverage80: Double(inside) / c, origins: origins.count, steps: count)
    }
}
