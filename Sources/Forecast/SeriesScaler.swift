import Foundation

/// log1p followed by per-series normalisation (mean and standard deviation of the fitted part).
public struct SeriesScaler: Sendable, Equatable, Codable {
    public var mean: Double
    public var scale: Double

    /// Fits on the log1p of `values` (negative values are treated as 0).
    public init(fitting values: ArraySlice<Double>) {
        let logs = values.map { log1p(max(0, $0)) }
        let m = logs.isEmpty ? 0 : logs.reduce(0, +) / Double(logs.count)
        let v = logs.isEmpty ? 0 : logs.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(logs.count)
        mean = m
        scale = v > 1e-12 ? sqrt(v) : 1
    }

    public func normalize(_ value: Double) -> Double { (log1p(max(0, value)) - mean) / scale }
    public func normalizeLog(_ logValue: Double) -> Double { (logValue - mean) / scale }
    public func denormalizeToLog(_ z: Double) -> Double { z * scale + mean }
}

/// Calendar features of a Unix time: time of day and day of week as sin/cos pairs (UTC).
public enum CalendarFeatures {
    public static let count = 4
    public static func write(time t: Double, into out: inout [Float], at offset: Int) {
        let day = 86400.0
        let tod = (t.truncatingRemainder(dividingBy: day) + day).truncatingRemainder(dividingBy: day) / day
        let days = (t / day).rounded(.down)
        let dow = ((days + 3).truncatingRemainder(dividingBy: 7) + 7).truncatingRemainder(dividingBy: 7) / 7 + tod / 7  // Monday 0
        out[offset] = Float(sin(2 * .pi * tod))
        out[offset + 1] = Float(cos(2 * .pi * tod))
        out[offset + 2] = Float(sin(2 * .pi * dow))
        out[offset + 3] = Float(cos(2 * .pi * dow))
    }
}
