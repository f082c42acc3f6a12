import Foundation

/// The outcome of a predictive loop: predicted vs actual per step, the synthetic traffic played
/// ahead, and what scaled when. Encodes as JSON (`shadowcast shadow --json`); ``text`` is the
/// terminal summary.
public struct PredictiveLoopSummary: Sendable, Equatable, Codable {
    /// Seconds per step.
    public var stepSeconds: Double
    /// Seconds of look-ahead.
    public var predictAheadSeconds: Double
    /// Steps run.
    public var stepsRun: Int
    /// Steps skipped because the process was not scheduled in time (the loop jumps to the
    /// current step rather than running missed ones back to back).
    public var skippedSteps: Int
    /// Step records (the most recent `maxRecordedSteps`).
    public var steps: [PredictiveStepRecord]
    /// Older step records dropped to keep memory bounded.
    public var droppedSteps: Int
    /// Synthetic requests answered by the secondary in all.
    public var syntheticAnswered: Int
    /// Synthetic requests that failed in all.
    public var syntheticErrors: Int
    /// Synthetic requests sent late or skipped as already late, in all.
    public var syntheticLate: Int
    /// Replicas at the end.
    public var finalReplicas: Int

    /// Steps that changed the replica count.
    public var scalings: [PredictiveStepRecord] { steps.filter { $0.scaling != nil } }

    /// Mean absolute error of the predictions that had an actual to compare with (req/s).
    public var meanAbsoluteError: Double? {
        let pairs = steps.compactMap { s -> Double? in
            guard let p = s.predictedRate, let a = s.actualRate else { return nil }
            return abs(p - a)
        }
        return pairs.isEmpty ? nil : pairs.reduce(0, +) / Double(pairs.count)
    }

    /// A terminal summary: a table of steps (at most `maxRows`, evenly spaced, always keeping
    /// the steps that scaled) and the scaling events.
    public func text(maxRows: Int = 30) -> String {
        func rate(_ value: Double?) -> String { value.map { String(format: "%.1f", $0) } ?? "-" }
        var lines = [String(format: "predictive loop: %d steps of %g s, playing %g s ahead; synthetic to the secondary: %d answered, %d failed, %d late",
                            stepsRun, stepSeconds, predictAheadSeconds, syntheticAnswered, syntheticErrors, syntheticLate)]
        if let mae = meanAbsoluteError { lines.append(String(format: "prediction error (mean absolute, predicted vs actual): %.2f req/s", mae)) }
        if droppedSteps > 0 { lines.append("(\(droppedSteps) older steps not kept)") }
        if skippedSteps > 0 { lines.append("(\(skippedSteps) steps skipped: the process was not scheduled in time)") }
        lines.append("  step      t(s)   actual  predicted  ahead(p50)  ahead(p90)  synthetic  replicas  note")
        let stride = max(1, Int((Double(steps.count) / Double(max(1, maxRows))).rounded(.up)))
        for (i, s) in steps.enumerated() where i % stride == 0 || s.scaling != nil || i == steps.count - 1 {
            let cells = [(rate(s.actualRate), 7), (rate(s.predictedRate), 9), (rate(s.predictedAheadRate), 10),
                         (rate(s.predictedAheadUpperRate), 10), (rate(s.syntheticRate), 9)]
                .map { String(repeating: " ", count: max(0, $0.1 - $0.0.count)) + $0.0 }
            lines.append(String(format: "  %4d  %8.1f  ", s.step, s.time) + cells.joined(separator: "  ")
                         + String(format: "  %8d  ", s.replicas) + (s.note ?? ""))
        }
        let scaled = scalings
        if scaled.isEmpty {
            lines.append("scaling: no change")
        } else {
            for s in scaled {
                guard let scaling = s.scaling else { continue }
                let failed = scaling.failedHooks.isEmpty ? "" : " (failed: \(scaling.failedHooks.joined(separator: "; ")))"
                lines.append(String(format: "scaled at t=%g s: %d → %d (%@)%@", s.time, scaling.from, scaling.to, scaling.reason, failed))
            }
        }
        lines.append(String(format: "replicas at the end: %d", finalReplicas))
        return lines.joined(separator: "\n")
    }
}
