import Forecast
import Foundation

/// The live forecaster of the predictive loop: the `Forecast` stage's ``Forecaster`` on the
/// series of per-step rates the proxy measured, adapting online.
///
/// For the first `warmupSteps` steps it only collects (the forecast is empty, so nothing is
/// played ahead and nothing scales). Then it fits (model selection on a backtest; the LSTM
/// only when `configuration.useLSTM`), and every later step goes through
/// ``Forecaster/observe(actual:series:)``: the live error is tracked and the LSTM fine-tuned
/// (or the baselines re-selected) when it drifts. Memory is bounded: at most `historyLimit`
/// rates are kept, and the forecaster is refitted on them once it has observed as many again.
public struct AdaptiveLoadForecaster: LiveLoadForecaster {
    /// Forecast settings; `horizon` is set from the look-ahead.
    public let configuration: ForecastConfiguration
    /// Seconds per step (the loop's step).
    public let stepSeconds: Double
    /// Steps collected before the first fit (at least 8).
    public let warmupSteps: Int
    /// Most rates kept (the forecaster's history after a refit).
    public let historyLimit: Int
    private var recent: [Double] = []
    private var forecaster: Forecaster?
    private var observedSinceFit = 0

    /// Creates a forecaster predicting `aheadSeconds` ahead in steps of `stepSeconds`.
    public init(
        stepSeconds: Double, aheadSeconds: Double, warmupSteps: Int = 12, historyLimit: Int = 2_000,
        configuration: ForecastConfiguration = AdaptiveLoadForecaster.defaultConfiguration
    ) {
        self.stepSeconds = max(stepSeconds, 1e-3)
        var settings = configuration
        settings.horizon = max(1, Int((aheadSeconds / self.stepSeconds).rounded(.up)))
        self.configuration = settings
        self.warmupSteps = max(8, warmupSteps)
        self.historyLimit = max(self.warmupSteps, historyLimit)
    }

    /// Baselines only (seasonal naive, Holt-Winters), a short backtest: fits in milliseconds, so
    /// the loop never stalls. Set `useLSTM` to train the LSTM at warm-up (seconds, on 2 cores).
    public static var defaultConfiguration: ForecastConfiguration {
        var c = ForecastConfiguration()
        c.useLSTM = false
        c.backtestOrigins = 2
        c.quantiles = [0.1, 0.5, 0.9]
        return c
    }

    /// The model in use, once fitted.
    public var model: String? { forecaster?.selections.first?.model }

    public mutating func observe(rate: Double, at time: Double) -> String? {
        let value = rate.isFinite ? max(0, rate) : 0
        recent.append(value)
        if recent.count > historyLimit { recent.removeFirst(recent.count - historyLimit) }
        guard var current = forecaster else {
            guard recent.count >= warmupSteps else { return nil }
            return refit(reason: "fitted on \(recent.count) steps")
        }
        do {
            let event = try current.observe(actual: value)
            forecaster = current
            observedSinceFit += 1
            if observedSinceFit >= historyLimit { return refit(reason: "refitted on the last \(recent.count) steps") }
            switch event {
            case .none: return nil
            case let .fineTuned(steps, liveError, threshold):
                return String(format: "fine-tuned the LSTM (%d steps): live error %.2f > %.2f", steps, liveError, threshold)
            case let .reselected(model, liveError, threshold):
                return String(format: "re-selected %@: live error %.2f > %.2f", model, liveError, threshold)
            }
        } catch {
            forecaster = nil
            return "forecaster failed (\(error)); collecting again"
        }
    }

    public func forecast(from time: Double, ahead: Double) -> [LoadForecastPoint] {
        guard let forecaster, let result = try? forecaster.forecast(horizon: configuration.horizon) else { return [] }
        let last = recent.last ?? 0
        var points = [LoadForecastPoint(time: time, rate: last, upperRate: last)]
        for (k, row) in result.values.enumerated() where !row.isEmpty {
            points.append(LoadForecastPoint(
                time: time + Double(k + 1) * stepSeconds, rate: max(0, row[row.count / 2]), upperRate: max(0, row[row.count - 1])))
        }
        return points
    }

    private mutating func refit(reason: String) -> String? {
        do {
            var fresh = try Forecaster(
                series: [TimeSeries(name: "rate", start: 0, step: stepSeconds, values: recent)], configuration: configuration)
            try fresh.fit()
            forecaster = fresh
            observedSinceFit = 0
            return "\(reason): \(fresh.selections.first?.model ?? "?")"
        } catch {
            forecaster = nil
            return "cannot fit the forecaster yet (\(error))"
        }
    }
}
