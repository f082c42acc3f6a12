import Testing
@testable import Forecast

/// The reason the selection prints beside the chosen model.
@Suite struct ModelSelectionReasonTests {
    static func metrics(_ mase: Double) -> BacktestMetrics {
        BacktestMetrics(mase: mase, smape: 0, pinball: 0, coverage80: 0, origins: 3, steps: 36)
    }

    @Test("the gain over seasonal naive is the ratio of the backtest MASEs")
    func gainOverSeasonalNaive() {
        let chosen = Selector.choose([("seasonal_naive", Self.metrics(1.0)), ("holt_winters", Self.metrics(0.8))])
        #expect(chosen.name == "holt_winters")
        #expect(chosen.reason.hasSuffix("; 20.0% better than seasonal naive"))
    }

    @Test("a series every model forecasts exactly is a tie, not a 100% gain")
    func exactSeriesIsATie() {
        let chosen = Selector.choose([("naive", Self.metrics(0)), ("seasonal_naive", Self.metrics(0)), ("lstm", Self.metrics(0))])
        #expect(chosen.name == "naive")
        #expect(chosen.reason.hasSuffix("; ties seasonal naive (both exact on the backtest)"))
    }
}
