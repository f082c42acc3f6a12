import Foundation

/// What the x axis of a chart measures, which decides its scale, ticks and labels.
enum XAxisKind: Sendable {
    /// Seconds since the run started, labelled `m:ss`.
    case runSeconds
    /// Seconds since 1970 (UTC), labelled with weekday and time or date.
    case wallClock
    /// Percentiles 0…100 on the HDR-style log scale of 1/(1 − p).
    case percentile
}

/// Formats numbers for axes and tables.
enum NumberFormat {
    /// Compact: 0, 12, 1.5k, 2.3M; keeps up to 3 significant digits.
    static func compact(_ value: Double) -> String {
        guard value.isFinite else { return "–" }
        let magnitude = abs(value)
        if magnitude >= 1e9 { return trimmed(value / 1e9) + "G" }
        if magnitude >= 1e6 { return trimmed(value / 1e6) + "M" }
        if magnitude >= 1e4 { return trimmed(value / 1e3) + "k" }
        return trimmed(value)
    }

    /// A rate in requests per second: `2,354 rps`, `52.1 rps`.
    static func rate(_ perSecond: Double) -> String {
        guard perSecond.isFinite else { return "– rps" }
        return (perSecond >= 100 ? grouped(Int(perSecond.rounded())) : trimmed(perSecond)) + " rps"
    }

    /// Up to 3 significant digits, no trailing zeros.
    static func trimmed(_ value: Double) -> String {
        guard value.isFinite else { return "–" }
        if value == 0 { return "0" }
        let magnitude = abs(value)
        let decimals = magnitude >= 100 ? 0 : magnitude >= 10 ? 1 : magnitude >= 1 ? 2 : magnitude >= 0.01 ? 3 : 4
        var text = String(format: "%.\(decimals)f", value)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }

    /// Integer with thousands separators: 1,234,567.
    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (index, ch) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return value < 0 ? "-" + out : out
    }

    /// Milliseconds with a unit that reads well: 850 µs, 12.5 ms, 1.25 s.
    static func latency(_ ms: Double) -> String {
        guard ms.isFinite else { return "–" }
        if ms < 1 { return trimmed(ms * 1000) + " µs" }
        if ms >= 1000 { return trimmed(ms / 1000) + " s" }
        return trimmed(ms) + " ms"
    }

    /// A fraction as a percentage: 0.0123 → 1.23%.
    static func percent(_ fraction: Double) -> String {
        guard fraction.isFinite else { return "–" }
        return trimmed(fraction * 100) + "%"
    }

    /// Seconds as m:ss (or h:mm:ss).
    static func clock(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "–" }
        let total = Int(seconds.rounded())
        let sign = total < 0 ? "-" : ""
        let s = abs(total)
        if s >= 3600 { return String(format: "%@%d:%02d:%02d", sign, s / 3600, (s % 3600) / 60, s % 60) }
        return String(format: "%@%d:%02d", sign, s / 60, s % 60)
    }

    /// A percentile label: 0%, 90%, 99.9%.
    static func percentile(_ p: Double) -> String {
        guard p.isFinite else { return "–" }
        var text = String(format: "%.5f", p)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text + "%"
    }
}

/// The HDR-style percentile transform: p% ↦ log10(1 / (1 − p/100)), so 90% ↦ 1, 99% ↦ 2.
enum PercentileScale {
    /// Largest number of nines drawn; 100% is drawn there too.
    static let maxNines = 6.0

    static func position(_ percentile: Double) -> Double {
        let tail = 1 - percentile / 100
        guard tail > pow(10, -maxNines) else { return maxNines }
        return max(0, -log10(tail))
    }

    /// 0%, 90%, 99%, 99.9%… up to the position `upTo`.
    static func ticks(upTo maxPosition: Double) -> [(position: Double, label: String)] {
        var ticks: [(Double, String)] = [(0, "0%")]
        var nines = 1.0
        while nines <= maxPosition + 1e-9 && nines <= maxNines {
            let p = 100 * (1 - pow(10, -nines))
            ticks.append((nines, NumberFormat.percentile(p)))
            nines += 1
        }
        return ticks
    }
}

/// Ticks for wall-clock axes: whole hours or days in UTC.
enum WallClockTicks {
    static let candidates: [Double] = [60, 300, 900, 1800, 3600, 2 * 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86400, 2 * 86400, 7 * 86400]

    static func ticks(in domain: ClosedRange<Double>, maxCount: Int = 8) -> [(value: Double, label: String)] {
        let span = domain.upperBound - domain.lowerBound
        let step = candidates.first(where: { span / $0 <= Double(maxCount) }) ?? 7 * 86400
        var value = ceil(domain.lowerBound / step) * step
        var ticks: [(Double, String)] = []
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = step >= 86400 ? "EEE d MMM" : (span > 86400 ? "EEE HH:mm" : "HH:mm")
        while value <= domain.upperBound, ticks.count < 60 {
            ticks.append((value, formatter.string(from: Date(timeIntervalSince1970: value))))
            value += step
        }
        return ticks
    }
}
