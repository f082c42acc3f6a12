import Foundation
import Shadowcast

/// Console output of `shadowcast forecast`.
enum ForecastConsole {
    static func printLoad(_ r: TimeSeriesLoadReport, series: TimeSeries, path: String) {
        print("\(path): \(r.rowsRead) rows, \(series.count) steps of \(fmtStep(r.step)) from \(iso(series.start))")
        if r.stepFinerThanData {
            FileHandle.standardError.write(Data(("warning: --step \(fmtStep(r.step)) is finer than the rows' spacing (\(fmtStep(r.dataSpacing))): "
                + "each row's count sits in one step and the steps between are interpolated from whole rows, so the series "
                + "(and its forecast) overstates the count per step; use --step \(fmtStep(r.dataSpacing)) or coarser\n").utf8))
        }
        if r.gapsFilled > 0 { print("  \(r.gapsFilled) missing steps filled by linear interpolation") }
        if r.rowsMerged > 0 { print("  \(r.rowsMerged) rows summed into an already used step") }
        if !r.skipped.isEmpty {
            print("  \(r.skipped.count) rows skipped:")
            for s in r.skipped.prefix(10) { print("    \(path):\(s.line): \(s.reason)") }
            if r.skipped.count > 10 { print("    ... and \(r.skipped.count - 10) more") }
        }
    }

    static func printSelection(_ s: ModelSelection, log: [String]) {
        print("season: \(s.seasonReason)")
        print("lstm: \(s.lstmNote)")
        for line in log.dropFirst() { print(line) }
        print("")
        print("backtest (rolling origins, series units):")
        print(pad("model", 16) + pad("MASE", 9) + pad("sMAPE%", 9) + pad("pinball", 12) + pad("cover80", 9))
        let order = ["naive", "seasonal_naive", "holt_winters", "lstm", "ensemble"]
        for name in order {
            guard let m = s.backtest[name] else { continue }
            let mark = name == s.model ? " <- chosen" : ""
            print(pad(name, 16) + pad(f3(m.mase), 9) + pad(String(format: "%.2f", m.smape), 9)
                  + pad(String(format: "%.4g", m.pinball), 12) + pad(String(format: "%.2f", m.coverage80), 9) + mark)
        }
        if !s.ensembleWeights.isEmpty {
            print("ensemble weights: " + s.ensembleWeights.sorted { $0.key < $1.key }.map { "\($0.key) \(f3($0.value))" }.joined(separator: ", "))
        }
        print("chosen: \(s.model) — \(s.reason)")
    }

    static func printForecastSummary(_ r: ForecastResult) {
        let mid = r.quantiles.firstIndex { abs($0 - 0.5) < 1e-9 } ?? r.quantiles.count / 2
        let medians = r.values.map { $0[mid] }
        let total = medians.reduce(0, +)
        print(String(format: "forecast: %d steps from %@, median total %.0f, median range %.1f ... %.1f",
                     r.values.count, r.start, total, medians.min() ?? 0, medians.max() ?? 0))
    }

    static func pad(_ s: String, _ w: Int) -> String { s.count >= w ? s + " " : s + String(repeating: " ", count: w - s.count) }
    static func f3(_ v: Double) -> String { String(format: "%.3f", v) }
    static func fmtStep(_ s: Double) -> String {
        if s.truncatingRemainder(dividingBy: 3600) == 0 { return "\(Int(s / 3600))h" }
        if s.truncatingRemainder(dividingBy: 60) == 0 { return "\(Int(s / 60))m" }
        return "\(s)s"
    }
    static func iso(_ t: Double) -> String {
        let f = ISO8601DateFormatter()
        return f.string(from: Date(timeIntervalSince1970: t))
    }
}
