import Foundation
import Lab
import Monitor

/// `shadowcast lab --simulate`: runs the spec in virtual time (no network) at a constant rate or
/// a linear ramp and prints per-interval statistics, the capacity knee and saturation.
struct LabWhatIf {
    var spec: LabSpec
    var fromRate: Double
    var toRate: Double
    var duration: Double
    var interval: Int
    var sloP99Ms: Double
    var maxErrorRate: Double
    var seed: UInt64

    /// Parses `R` or `A:B` (req/s).
    static func rates(_ text: String) -> (Double, Double)? {
        let parts = text.split(separator: ":")
        guard (1...2).contains(parts.count), let first = Double(parts[0]), first >= 0 else { return nil }
        guard parts.count == 2 else { return (first, first) }
        guard let last = Double(parts[1]), last >= 0 else { return nil }
        return (first, last)
    }

    func report() -> String {
        let from = fromRate, to = toRate, duration = duration
        let rate: (Double) -> Double = { t in from + (to - from) * min(max(t / duration, 0), 1) }
        let result = LabSimulator(spec: spec, seed: seed).run(duration: duration, rate: rate)
        var lines = [String(format: "# simulated %.0f s at %@ req/s; configured capacity %.0f req/s (%d x %.0f)",
                            duration, from == to ? String(format: "%.0f", from) : String(format: "%.0f→%.0f", from, to),
                            spec.configuredCapacity, spec.instances, spec.capacityPerInstance)]
        lines.append("t_s     offered/s  served/s  503/s   p50_ms  p99_ms  util   queue")
        var steps: [LoadStep] = []
        var index = 0
        while index < result.seconds.count {
            let chunk = result.seconds[index..<min(index + interval, result.seconds.count)]
            let n = Double(chunk.count)
            let offered = Double(chunk.reduce(0) { $0 + $1.offered }) / n
            let served = Double(chunk.reduce(0) { $0 + $1.completed }) / n
            let rejected = Double(chunk.reduce(0) { $0 + $1.rejected }) / n
            let p50 = chunk.map(\.p50).sorted()[chunk.count / 2] * 1000
            let p99 = chunk.map(\.p99).sorted()[chunk.count / 2] * 1000
            let utilization = chunk.reduce(0) { $0 + $1.utilization } / n
            lines.append(String(format: "%-7d %-10.0f %-9.0f %-7.1f %-7.1f %-7.1f %-6.2f %d",
                                chunk.first!.second, offered, served, rejected, p50, p99, utilization, chunk.last!.queueDepth))
            steps.append(LoadStep(offeredRate: offered, achievedRate: served, p99Ms: p99,
                                  errorRate: offered > 0 ? rejected / offered : 0, utilization: utilization))
            index += interval
        }
        lines.append("findings:")
        let slo = ServiceLevelObjective(p99Ms: sloP99Ms, maxErrorRate: maxErrorRate)
        if let knee = CapacityKnee.find(steps: steps, slo: slo) {
            lines.append("  - \(knee.finding)")
            lines.append(String(format: "  - [info] Measured capacity per instance ≈ %.0f req/s (configured %.0f).",
                                CapacityFeedback(knee: knee, instances: spec.instances).capacityPerInstance, spec.capacityPerInstance))
        } else {
            lines.append(String(format: "  - [info] The SLO (p99 ≤ %.0f ms, errors ≤ %.1f%%) held at every interval.", sloP99Ms, maxErrorRate * 100))
        }
        let samples = result.seconds.map { SaturationSample(time: Double($0.second), utilization: $0.utilization, p99Ms: $0.p99 * 1000) }
        if let saturation = SaturationDetector().detect(samples, subject: "The Lab") { lines.append("  - \(saturation)") }
        return lines.joined(separator: "\n")
    }
}
