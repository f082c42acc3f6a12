/// The model chosen for one series, why, and the backtest of every candidate.
public struct ModelSelection: Sendable, Equatable, Codable {
    /// "naive", "seasonal_naive", "holt_winters", "lstm" or "ensemble".
    public var model: String
    /// Why this model was chosen.
    public var reason: String
    /// Backtest metrics per model.
    public var backtest: [String: BacktestMetrics]
    /// Ensemble weights per model (when the ensemble was chosen).
    public var ensembleWeights: [String: Double]
    /// Season length used (steps) and how it was found.
    public var season: Int
    public var seasonReason: String
    /// What happened to the LSTM (trained how, or why not).
    public var lstmNote: String
}

enum Selector {
    /// Picks the lowest backtest MASE; ties go to the simpler model (order of `candidates`).
    /// The seasonal-naive baseline is always a candidate, so the choice is never worse than it on the backtest.
    static func choose(_ metrics: [(name: String, m: BacktestMetrics)]) -> (name: String, reason: String) {
        var best = metrics[0]
        for c in metrics.dropFirst() where c.m.mase < best.m.mase - 1e-9 { best = c }
        let others = metrics.filter { $0.name != best.name }
            .map { "\($0.name) \(fmt($0.m.mase))" }.joined(separator: ", ")
        let snaive = metrics.first { $0.name == "seasonal_naive" }
        var reason = "lowest backtest MASE \(fmt(best.m.mase)) over \(best.m.origins) origins x \(best.m.steps / max(1, best.m.origins)) steps (\(others))"
        if let snaive, best.name != "seasonal_naive" {
            if snaive.m.mase < 1e-9 {
                reason += "; ties seasonal naive (both exact on the backtest)"
            } else {
                let gain = 100 * (1 - best.m.mase / snaive.m.mase)
                reason += gain > 0.05 ? String(format: "; %.1f%% better than seasonal naive", gain) : "; ties seasonal naive"
            }
        }
        return (best.name, reason)
    }

    static func fmt(_ v: Double) -> String { String(format: "%.3f", v) }
}
import Foundation
