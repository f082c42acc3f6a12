import Forecast
import Profiler

/// The glue between the profiler and the forecaster: forecasts a profile's traffic and stores
/// the result in its `forecast` section, so synthesis can follow it.
///
/// Neither stage imports the other (data flows Profiler → Forecast → profile JSON); this is the
/// one place that knows both shapes.
extension RequestProfile {
    /// Trains the forecaster on the profile's total request series, forecasts `horizonSeconds`
    /// ahead and stores the forecast (with its backtest) in ``RequestProfile/forecast``.
    ///
    /// Per-route shares for each forecast step come from the history's route mix at the same
    /// hour of day (the route series are too sparse, on most logs, to forecast one by one).
    /// - Returns: the forecaster's result and the model selection behind it (backtest of every
    ///   candidate, the reason for the choice, the training log).
    @discardableResult
    public mutating func attachForecast(
        horizonSeconds: Double, configuration: ForecastConfiguration = ForecastConfiguration()
    ) throws -> ProfileForecastOutcome {
        let step = history.stepSeconds
        guard step > 0, !history.total.isEmpty else {
            throw ForecastError.noSeries
        }
        let horizon = max(1, Int((horizonSeconds / step).rounded(.up)))
        var settings = configuration
        settings.horizon = horizon
        let total = TimeSeries(
            name: "total", start: history.startEpochSeconds, step: step, values: history.total.map(Double.init))
        var forecaster = try Forecaster(series: [total], configuration: settings)
        let selection = try forecaster.fit().first
        let result = try forecaster.forecast(horizon: horizon)
        let firstStep = history.startEpochSeconds + Double(history.total.count) * step
        forecast = ForecastSection(
            model: result.model, stepSeconds: result.stepSeconds, start: result.start,
            quantiles: result.quantiles, values: result.values,
            routeShares: history.routeSharesByHourOfDay(from: firstStep, steps: horizon),
            backtest: result.backtestSummary)
        return ProfileForecastOutcome(result: result, selection: selection, log: forecaster.log)
    }
}

/// What ``RequestProfile/attachForecast(horizonSeconds:configuration:)`` did.
public struct ProfileForecastOutcome: Sendable {
    /// The forecast in the series' units, with the backtest of every candidate.
    public var result: ForecastResult
    /// The model selection on the total series (`nil` only if the forecaster selected nothing).
    public var selection: ModelSelection?
    /// The forecaster's training and selection log.
    public var log: [String]
}

extension ForecastResult {
    /// The backtest in the profile's plain shape: the chosen model's metrics and every
    /// candidate's MASE.
    var backtestSummary: ForecastSection.BacktestSummary? {
        guard let chosen = backtest[model] ?? backtest.values.first else { return nil }
        return ForecastSection.BacktestSummary(
            horizonSteps: chosen.steps, folds: chosen.origins,
            metrics: [
                .init(name: "mase", value: chosen.mase), .init(name: "smape", value: chosen.smape),
                .init(name: "pinball", value: chosen.pinball), .init(name: "coverage80", value: chosen.coverage80),
            ],
            candidates: backtest.keys.sorted().map { .init(name: $0, value: backtest[$0]?.mase ?? .nan) })
    }
}

extension HistorySeries {
    /// For each of `steps` future steps starting at `firstStep` (epoch seconds), the share of
    /// each route among all requests seen at the same hour of day in the history.
    func routeSharesByHourOfDay(from firstStep: Double, steps: Int) -> [ForecastSection.RouteShares]? {
        guard !routes.isEmpty else { return nil }
        func hour(_ epoch: Double) -> Int { Int((epoch / 3_600).rounded(.down)) % 24 }
        var totalByHour = [Double](repeating: 0, count: 24)
        for (index, count) in total.enumerated() { totalByHour[hour(startEpochSeconds + Double(index) * stepSeconds)] += Double(count) }
        return routes.map { route in
            var byHour = [Double](repeating: 0, count: 24)
            for (index, count) in route.counts.enumerated() { byHour[hour(startEpochSeconds + Double(index) * stepSeconds)] += Double(count) }
            let overall = Double(route.counts.reduce(0, +)) / Double(max(1, total.reduce(0, +)))
            let shares = (0..<steps).map { step -> Double in
                let h = hour(firstStep + Double(step) * stepSeconds)
                return totalByHour[h] > 0 ? byHour[h] / totalByHour[h] : overall
            }
            return ForecastSection.RouteShares(route: route.route, shares: shares)
        }
    }
}
