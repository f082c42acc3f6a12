import Foundation

/// How the season length is chosen.
public enum SeasonSetting: Sendable, Equatable, Codable {
    /// Detect daily or weekly seasonality from the data (autocorrelation).
    case auto
    /// A fixed season length in steps (1 = none).
    case fixed(Int)
}

/// Detects the season length (daily or weekly, in steps) by autocorrelation of the log series.
public enum SeasonDetector {
    /// Returns the season in steps (1 if no usable season) and why.
    public static func detect(logValues z: ArraySlice<Double>, step: Double) -> (season: Int, reason: String) {
        let n = z.count
        var candidates: [(name: String, lag: Int)] = []
        for (name, seconds) in [("daily", 86400.0), ("weekly", 604800.0)] {
            let lag = Int((seconds / step).rounded())
            if lag >= 2, abs(Double(lag) * step - seconds) < step / 2, n >= 2 * lag { candidates.append((name, lag)) }
        }
        if candidates.isEmpty {
            // no calendar season fits: try the best autocorrelation peak among short lags
            // (on the latest 20,000 values at most, so very long series stay quick)
            let z = z.suffix(20_000)
            let maxLag = min(z.count / 3, 500)
            var best = (lag: 1, acf: 0.0)
            if maxLag >= 2 {
                for lag in 2...maxLag {
                    let a = autocorrelation(z, lag: lag)
                    if a > best.acf { best = (lag, a) }
                }
            }
            if best.acf > 0.3, best.lag > 1 { return (best.lag, "autocorrelation peak at lag \(best.lag) (\(fmt(best.acf)))") }
            return (1, "no season: series too short for a daily season or no autocorrelation peak")
        }
        // autocorrelation of hourly block means: per-step noise of busy-but-spiky traffic hides the season
        let block = max(1, min(Int((3600 / step).rounded(.down)), candidates[0].lag / 8))
        let blocks = stride(from: z.startIndex, to: z.endIndex - block + 1, by: block).map { i in
            z[i..<(i + block)].reduce(0, +) / Double(block)
        }
        let scored = candidates.map { c in
            (name: c.name, lag: c.lag, acf: c.lag % block == 0 ? autocorrelation(blocks[...], lag: c.lag / block) : autocorrelation(z, lag: c.lag))
        }
        var chosen = scored[0]
        for c in scored.dropFirst() where c.acf > chosen.acf + 0.05 { chosen = c }
        if chosen.acf < 0.1 { return (1, "no season: autocorrelation at daily/weekly lags below 0.1") }
        return (chosen.lag, "\(chosen.name) season (\(chosen.lag) steps, autocorrelation \(fmt(chosen.acf)))")
    }

    static func autocorrelation(_ z: ArraySlice<Double>, lag: Int) -> Double {
        let n = z.count
        guard lag < n - 1 else { return 0 }
        let base = z.startIndex
        let mean = z.reduce(0, +) / Double(n)
        var num = 0.0, den = 0.0
        for i in 0..<n {
            let d = z[base + i] - mean
            den += d * d
            if i >= lag { num += d * (z[base + i - lag] - mean) }
        }
        return den > 0 ? num / den : 0
    }

    static func fmt(_ v: Double) -> String { String(format: "%.2f", v) }
}
