import Foundation
import Testing
@testable import Forecast

@Suite struct ForecasterTests {
    static func config(horizon: Int = 24, steps: Int = 150) -> ForecastConfiguration {
        var c = ForecastConfiguration()
        c.horizon = horizon
        c.lstm = SyntheticSeries.fastSettings(steps: steps)
        return c
    }

    @Test func detectsDailySeason() {
        let s = SyntheticSeries.trafficLike(days: 10, weekly: 0)
        let ctx = SeriesContext(series: s)
        #expect(SeasonDetector.detect(logValues: ctx.logValues[...], step: 3600).season == 24)
    }

    @Test func beatsSeasonalNaiveOnTrendTwoSeasonalitiesAndNoise() throws {
        let s = SyntheticSeries.trafficLike(days: 42, trendPerDay: 0.01, noise: 0.15, weekly: 0.5, seed: 3)
        var f = try Forecaster(series: [s], configuration: Self.config(steps: 200))
        let sel = try f.fit()[0]
        let snaive = try #require(sel.backtest["seasonal_naive"]).mase
        let lstm = try #require(sel.backtest["lstm"], "LSTM was not trained: \(sel.lstmNote)").mase
        let chosen = try #require(sel.backtest[sel.model]).mase
        #expect(lstm < 0.9 * snaive, "lstm \(lstm) vs seasonal naive \(snaive)")
        #expect(chosen <= snaive)
        #expect(sel.model != "seasonal_naive" && sel.model != "naive", "\(sel.reason)")
        let result = try f.forecast()
        #expect(result.values.count == 24)
    }

    @Test func quantileCoverageIsNearNominal() throws {
        let s = SyntheticSeries.trafficLike(days: 35, noise: 0.25, seed: 9)
        var c = Self.config(steps: 200)
        c.backtestOrigins = 5
        var f = try Forecaster(series: [s], configuration: c)
        let sel = try f.fit()[0]
        let lstm = try #require(sel.backtest["lstm"])
        #expect(lstm.coverage80 > 0.6 && lstm.coverage80 < 0.97, "coverage \(lstm.coverage80)")
        let result = try f.forecast()
        for row in result.values { #expect(row == row.sorted() && row.allSatisfy { $0 >= 0 && $0.isFinite }) }
    }

    @Test func resultHasTheJSONShapeOfTheCLI() throws {
        let s = SyntheticSeries.trafficLike(days: 12, seed: 4)
        var c = Self.config(steps: 20)
        c.quantiles = [0.9, 0.1, 0.5, 0.25]
        var f = try Forecaster(series: [s], configuration: c)
        try f.fit()
        let result = try f.forecast(horizon: 12)
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(result)) as! [String: Any]
        for key in ["model", "step_s", "start", "quantiles", "values", "backtest"] { #expect(json[key] != nil, "missing \(key)") }
        #expect(json["step_s"] as? Double == 3600)
        #expect(json["quantiles"] as? [Double] == [0.1, 0.25, 0.5, 0.9])
        #expect((json["values"] as? [[Double]])?.count == 12)
        #expect((json["values"] as? [[Double]])?.first?.count == 4)
        #expect(json["start"] as? String == TimestampParser.iso8601(s.time(at: s.count)))
        let backtest = try #require(json["backtest"] as? [String: [String: Any]])
        #expect(backtest["seasonal_naive"]?["mase"] != nil && backtest["seasonal_naive"]?["coverage80"] != nil)
        #expect(try JSONDecoder().decode(ForecastResult.self, from: JSONEncoder().encode(result)) == result)
    }

    @Test func robustOnShortZeroAndSpikySeries() throws {
        let zeros = TimeSeries(name: "zeros", start: 0, step: 300, values: Array(repeating: 0, count: 40))
        var spiky = SyntheticSeries.trafficLike(days: 3, seed: 5)
        spiky.values[30] = 1e7
        spiky.values[31] = 0
        let short = TimeSeries(name: "short", start: 0, step: 60, values: [3, 1, 4, 1, 5, 9, 2, 6, 5, 3])
        for s in [zeros, spiky, short] {
            var f = try Forecaster(series: [s], configuration: Self.config(horizon: 48, steps: 20))
            try f.fit()
            let r = try f.forecast()
            #expect(r.values.count == 48)
            #expect(r.values.allSatisfy { $0.allSatisfy { $0.isFinite && $0 >= 0 } && $0 == $0.sorted() }, "\(s.name)")
            if s.name == "zeros" { #expect(r.values.allSatisfy { $0[1] == 0 }) }
        }
        #expect(throws: ForecastError.seriesTooShort(name: "tiny", count: 3)) {
            try Forecaster(series: [TimeSeries(name: "tiny", start: 0, step: 60, values: [1, 2, 3])])
        }
    }

    @Test func globalModelOverSeveralSeriesWithExogenous() throws {
        let total = SyntheticSeries.trafficLike(days: 14, seed: 6)
        var route = total
        route.name = "route"
        route.values = total.values.map { ($0 * 0.3).rounded() }
        let share = TimeSeries(name: "share", start: total.start, step: total.step, values: total.values.map { _ in 0.3 })
        var f = try Forecaster(series: [total, route], exogenous: [share], configuration: Self.config(steps: 40))
        let sels = try f.fit()
        #expect(sels.count == 2)
        let r = try f.forecast(series: 1)
        #expect(r.series == "route")
        let totalMedian = try f.forecast(series: 0).values.map { $0[1] }.reduce(0, +)
        let routeMedian = r.values.map { $0[1] }.reduce(0, +)
        #expect(routeMedian < 0.5 * totalMedian && routeMedian > 0.15 * totalMedian)
    }

    @Test func observeAdaptsWhenTheLiveErrorDrifts() throws {
        let s = SyntheticSeries.trafficLike(days: 14, noise: 0.1, seed: 8)
        var c = Self.config(steps: 40)
        c.driftWindow = 6
        var f = try Forecaster(series: [s], configuration: c)
        try f.fit()
        let forecast = try f.forecast().values.map { $0[1] }
        // values as forecast: no adaptation
        for k in 0..<6 {
            guard case .none = try f.observe(actual: forecast[k]) else { Issue.record("adapted without drift"); return }
        }
        // a 5x level shift: adapts within the window
        var events: [AdaptationEvent] = []
        for k in 6..<14 { events.append(try f.observe(actual: forecast[k] * 5)) }
        let adapted = events.contains {
            switch $0 {
            case .none: return false
            case .fineTuned, .reselected: return true
            }
        }
        #expect(adapted, "\(events)")
        #expect(f.series[0].count == s.count + 14)
    }
}

@Suite struct RealSeriesTests {
    static var path: String? {
        // `../shared/data/` relative to the repository root (a worktree may sit one level deeper)
        var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        for _ in 0..<3 {
            dir = dir.deletingLastPathComponent()
            let p = dir.appendingPathComponent("shared/data/elb_request_count.csv").path
            if FileManager.default.fileExists(atPath: p) { return p }
        }
        return nil
    }

    @Test(.enabled(if: path != nil, "../shared/data/elb_request_count.csv is absent"))
    func elbRequestCount() throws {
        let (s, report) = try TimeSeriesCSV.load(path: Self.path!)
        #expect(s.step == 300)
        #expect(report.skipped.isEmpty)
        var c = ForecastConfiguration()
        c.horizon = 288
        c.lstm.trainingSteps = 60
        c.lstm.fineTuneSteps = 20
        c.lstm.hiddenSize = 32
        c.lstm.maxTrainingSeconds = 20
        var f = try Forecaster(series: [s], configuration: c)
        let sel = try f.fit()[0]
        #expect(sel.season == 288, "\(sel.seasonReason)")
        let snaive = try #require(sel.backtest["seasonal_naive"]).mase
        let chosen = try #require(sel.backtest[sel.model]).mase
        #expect(chosen < snaive, "\(sel.reason)")
        let r = try f.forecast()
        #expect(r.values.count == 288)
        #expect(r.values.allSatisfy { $0 == $0.sorted() && $0.allSatisfy { $0.isFinite && $0 >= 0 } })
        let medians = r.values.map { $0[1] }
        let recentMean = s.values.suffix(288).reduce(0, +) / 288
        #expect(medians.reduce(0, +) / 288 > 0.3 * recentMean && medians.reduce(0, +) / 288 < 3 * recentMean)
    }
}
