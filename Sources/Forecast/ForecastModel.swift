import Foundation

/// One series prepared for modelling: log1p values and times (plus optional exogenous inputs).
struct SeriesContext: Sendable {
    var name: String
    var logValues: [Double]
    var start: Double
    var step: Double
    /// Exogenous series aligned with `logValues` (already normalised), one array per feature.
    var exogenous: [[Double]]

    init(series: TimeSeries, exogenous: [[Double]] = []) {
        name = series.name
        logValues = series.values.map { log1p(max(0, $0)) }
        start = series.start
        step = series.step
        self.exogenous = exogenous
    }

    func time(_ i: Int) -> Double { start + Double(i) * step }
}

/// A forecasting method on the log1p scale. Uses only values before `origin`.
/// Returns `horizon` rows of one log-scale value per quantile (quantiles sorted ascending).
protocol LogScaleModel: Sendable {
    var name: String { get }
    func forecast(_ series: SeriesContext, origin: Int, horizon: Int, quantiles: [Double]) -> [[Double]]
}

enum Quantiles {
    /// Empirical quantile of sorted values (linear interpolation).
    static func of(sorted v: [Double], _ q: Double) -> Double {
        guard !v.isEmpty else { return 0 }
        let pos = q * Double(v.count - 1)
        let lo = Int(pos.rounded(.down)), hi = min(v.count - 1, lo + 1)
        let w = pos - Double(lo)
        return v[lo] * (1 - w) + v[hi] * w
    }

    /// Inverse normal CDF (Acklam's approximation), for widening intervals by horizon.
    static func normalQuantile(_ p: Double) -> Double {
        let a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00]
        let b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01]
        let c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00]
        let d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00]
        let p = min(max(p, 1e-9), 1 - 1e-9)
        if p < 0.02425 {
            let q = sqrt(-2 * log(p))
            return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        }
        if p > 1 - 0.02425 { return -normalQuantile(1 - p) }
        let q = p - 0.5, r = q * q
        return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
    }

    /// Sorts each row so quantiles never cross (monotone rearrangement).
    static func nonCrossing(_ rows: [[Double]]) -> [[Double]] { rows.map { $0.sorted() } }
}

/// Naive: the last value, with intervals from the empirical h-step changes of the history.
struct NaiveModel: LogScaleModel {
    let name = "naive"
    func forecast(_ s: SeriesContext, origin: Int, horizon: Int, quantiles: [Double]) -> [[Double]] {
        let z = s.logValues
        let last = z[origin - 1]
        // empirical h-step change quantiles on a log-spaced grid of h, interpolated between
        var grid: [Int] = []
        var h = 1
        while h < horizon { grid.append(h); h *= 2 }
        grid.append(horizon)
        let lo = max(0, origin - 2000)
        let table: [[Double]] = grid.map { h in
            var diffs: [Double] = []
            var t = lo
            while t + h < origin { diffs.append(z[t + h] - z[t]); t += 1 }
            if diffs.isEmpty { return quantiles.map { _ in 0 } }
            diffs.sort()
            return quantiles.map { Quantiles.of(sorted: diffs, $0) }
        }
        return (1...horizon).map { k in
            let gi = grid.firstIndex { $0 >= k } ?? grid.count - 1
            let row: [Double]
            if gi == 0 || grid[gi] == k { row = table[gi] } else {
                let w = (log(Double(k)) - log(Double(grid[gi - 1]))) / (log(Double(grid[gi])) - log(Double(grid[gi - 1])))
                row = zip(table[gi - 1], table[gi]).map { $0 * (1 - w) + $1 * w }
            }
            return row.map { last + $0 }
        }
    }
}

/// Seasonal naive: the value one season earlier, intervals from the seasonal differences.
struct SeasonalNaiveModel: LogScaleModel {
    let season: Int
    var name: String { "seasonal_naive" }
    func forecast(_ s: SeriesContext, origin: Int, horizon: Int, quantiles: [Double]) -> [[Double]] {
        let z = s.logValues
        let m = max(1, min(season, origin))
        if m == 1 { return NaiveModel().forecast(s, origin: origin, horizon: horizon, quantiles: quantiles) }
        var diffs: [Double] = []
        for t in max(m, origin - 3000)..<origin { diffs.append(z[t] - z[t - m]) }
        diffs.sort()
        let offsets = quantiles.map { diffs.isEmpty ? 0 : Quantiles.of(sorted: diffs, $0) }
        let median = diffs.isEmpty ? 0 : Quantiles.of(sorted: diffs, 0.5)
        return (1...horizon).map { k in
            let cycles = (k + m - 1) / m
            let src = origin + k - 1 - m * cycles
            let widen = min(sqrt(Double(cycles)), 3)
            return offsets.map { z[src] + ($0 - median) * widen }
        }
    }
}
