import Foundation
import Profiler
import Traffic

/// The profile's own rate per step (profile time) and, when forecast, its route mix per step.
struct BaseCurve {
    /// Step length, profile seconds.
    var stepSeconds: Double
    /// Requests per second in each step; cycled past the end.
    var ratesPerSecond: [Double]
    /// Route shares per step by route name (forecast `routeShares`), if any.
    var routeShares: [String: [Double]]
    /// What it follows.
    var source: RateSource

    init(profile: RequestProfile, curve: SynthesisOptions.RateCurve, runProfileSeconds: Double, seed: UInt64) throws {
        if let forecast = profile.forecast, forecast.stepSeconds > 0, !forecast.values.isEmpty, !forecast.quantiles.isEmpty {
            stepSeconds = forecast.stepSeconds
            var shares: [String: [Double]] = [:]
            for entry in forecast.routeShares ?? [] { shares[entry.route] = entry.shares }
            routeShares = shares
            switch curve {
            case let .quantile(level):
                ratesPerSecond = forecast.values.map { max(0, Self.interpolate(levels: forecast.quantiles, values: $0, at: level)) / forecast.stepSeconds }
                source = .forecastQuantile(model: forecast.model, quantile: level)
            case .sampledPath:
                var random = SeededRandom(seed: seed ^ 0x5a4d_5041_5448_0001)
                var z = random.nextGaussian()
                ratesPerSecond = forecast.values.map { row in
                    let level = 0.5 * erfc(-z / 2.0.squareRoot())
                    z = 0.8 * z + 0.6 * random.nextGaussian()
                    return max(0, Self.interpolate(levels: forecast.quantiles, values: row, at: level)) / forecast.stepSeconds
                }
                source = .forecastSampledPath(model: forecast.model)
            }
            return
        }
        routeShares = [:]
        let history = profile.history
        let historySeconds = Double(history.total.count) * history.stepSeconds
        let hourMix = profile.timeMix.hourOfDay
        if history.stepSeconds > 0, history.total.count >= 2, historySeconds >= runProfileSeconds || hourMix.count != 24 || hourMix.reduce(0, +) <= 0 {
            stepSeconds = history.stepSeconds
            ratesPerSecond = history.total.map { Double($0) / history.stepSeconds }
            source = .history
        } else if hourMix.count == 24, hourMix.reduce(0, +) > 0, profile.totals.meanRatePerSecond > 0 {
            let sum = hourMix.reduce(0, +)
            let endSeconds = history.startEpochSeconds + historySeconds
            let startHour = Int((endSeconds / 3600).rounded(.down)) % 24
            stepSeconds = 3600
            ratesPerSecond = (0..<24).map { profile.totals.meanRatePerSecond * 24 * hourMix[(startHour + $0) % 24] / sum }
            source = .timeOfDay
        } else if profile.totals.meanRatePerSecond > 0 {
            stepSeconds = 3600
            ratesPerSecond = [profile.totals.meanRatePerSecond]
            source = .constant
        } else if history.stepSeconds > 0, !history.total.isEmpty {
            stepSeconds = history.stepSeconds
            ratesPerSecond = history.total.map { Double($0) / history.stepSeconds }
            source = .history
        } else {
            throw SynthesisError.unusableProfile("no forecast, no history and no mean rate")
        }
    }

    /// Linear interpolation of a forecast row between quantile levels (clamped at the ends).
    static func interpolate(levels: [Double], values: [Double], at level: Double) -> Double {
        let n = min(levels.count, values.count)
        guard n > 0 else { return 0 }
        if level <= levels[0] || n == 1 { return values[0] }
        for i in 1..<n where level <= levels[i] {
            let t = (level - levels[i - 1]) / (levels[i] - levels[i - 1])
            return values[i - 1] + (values[i] - values[i - 1]) * t
        }
        return values[n - 1]
    }

    /// Rate at step `index` (cycled).
    func rate(step index: Int) -> Double { ratesPerSecond[index % ratesPerSecond.count] }
}
