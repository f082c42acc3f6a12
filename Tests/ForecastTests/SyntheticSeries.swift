import Foundation
@testable import Forecast

/// Synthetic count series for tests.
enum SyntheticSeries {
    /// Hourly counts: level * trend * daily * weekly shape, multiplicative log-normal noise.
    static func trafficLike(days: Int, trendPerDay: Double = 0.004, noise: Double = 0.12, weekly: Double = 0.35, seed: UInt64 = 1) -> TimeSeries {
        var r = TestRandom(state: seed)
        let start = 1_700_006_400.0  // a Wednesday 00:00 UTC
        let n = days * 24
        let values = (0..<n).map { i -> Double in
            let hour = Double(i % 24), day = Double(i / 24)
            let daily = 0.8 * sin(2 * .pi * (hour - 8) / 24) + 0.25 * sin(4 * .pi * hour / 24)
            let dow = Double((i / 24 + 2) % 7)
            let week = dow >= 5 ? -weekly : 0.1 * sin(2 * .pi * dow / 5)
            let logLevel = log(200.0) + trendPerDay * day + daily + week + noise * r.normal()
            return exp(logLevel).rounded()
        }
        return TimeSeries(name: "synthetic", start: start, step: 3600, values: values)
    }

    static func fastSettings(steps: Int = 150) -> LSTMSettings {
        var s = LSTMSettings()
        s.hiddenSize = 24
        s.lookback = 24
        s.batchSize = 32
        s.trainingSteps = steps
        s.fineTuneSteps = 30
        s.maxTrainingSeconds = nil
        s.learningRate = 5e-3
        return s
    }
}
