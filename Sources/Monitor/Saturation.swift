/// One moment of a utilization and latency series.
public struct SaturationSample: Sendable, Hashable {
    /// Seconds (any origin).
    public var time: Double
    /// Utilization, 0…1 (busy workers, CPU share, …).
    public var utilization: Double
    /// p99 latency, milliseconds.
    public var p99Ms: Double

    /// Creates a sample.
    public init(time: Double, utilization: Double, p99Ms: Double) {
        self.time = time
        self.utilization = utilization
        self.p99Ms = p99Ms
    }
}

/// Finds saturation: utilization staying high while latency climbs above its unsaturated level.
public struct SaturationDetector: Sendable {
    /// Utilization at or above which a sample counts as high.
    public var utilizationThreshold: Double
    /// p99 must reach this multiple of the baseline (median p99 of the low-utilization samples).
    public var latencyGrowth: Double
    /// Consecutive high samples needed.
    public var minSamples: Int

    /// Creates a detector.
    public init(utilizationThreshold: Double = 0.85, latencyGrowth: Double = 1.5, minSamples: Int = 3) {
        self.utilizationThreshold = utilizationThreshold
        self.latencyGrowth = latencyGrowth
        self.minSamples = minSamples
    }

    /// A saturation finding, or `nil`. `subject` names what saturated ("the secondary", a route).
    public func detect(_ samples: [SaturationSample], subject: String = "The service") -> Finding? {
        let low = samples.filter { $0.utilization < utilizationThreshold && $0.p99Ms > 0 }.map(\.p99Ms).sorted()
        guard !low.isEmpty else {
            if samples.count >= minSamples && samples.allSatisfy({ $0.utilization >= utilizationThreshold }) {
                let mean = samples.reduce(0) { $0 + $1.utilization } / Double(samples.count)
                return Finding(kind: .saturation, severity: .warning,
                               message: "\(subject) was saturated throughout: utilization \(Format.percent(mean)) on average (no unsaturated baseline for latency).")
            }
            return nil
        }
        let baseline = low[low.count / 2]
        var run: [SaturationSample] = []
        var best: [SaturationSample] = []
        for sample in samples {
            if sample.utilization >= utilizationThreshold {
                run.append(sample)
            } else {
                if run.count > best.count { best = run }
                run = []
            }
        }
        if run.count > best.count { best = run }
        guard best.count >= minSamples, let peak = best.max(by: { $0.p99Ms < $1.p99Ms }), peak.p99Ms >= baseline * latencyGrowth else {
            return nil
        }
        let meanUtilization = best.reduce(0) { $0 + $1.utilization } / Double(best.count)
        return Finding(
            kind: .saturation, severity: .critical,
            message: "\(subject) saturated from t=\(Format.fixed(best.first!.time, 0))s to t=\(Format.fixed(best.last!.time, 0))s: utilization \(Format.percent(meanUtilization)) while p99 rose \(Format.ratio(peak.p99Ms / baseline)) (\(Format.ms(baseline)) → \(Format.ms(peak.p99Ms)))."
        )
    }
}
