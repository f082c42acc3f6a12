import Emission
import Synthesis

/// One step's synthetic run to the secondary: the emitter's run and the counts of the schedule
/// feeding it (requests synthesis skipped because they were already late).
struct AheadRun: Sendable {
    /// What a finished run sent.
    struct Outcome: Sendable, Equatable {
        /// Requests answered.
        var answered: Int
        /// Requests that failed (connect, timeout, reset, parse).
        var errors: Int
        /// Requests sent later than the late threshold, plus those synthesis skipped because
        /// they were already late when produced.
        var late: Int
    }

    let run: EmissionRun
    let synthesis: SynthesizedSchedule.Progress
    /// The run as recorded in the metrics endpoint, when one is served: its result is awaited
    /// through the recording, so the final totals are published before the step ends.
    var observed: ObservedRun?

    /// Asks the run to stop sending now (outstanding responses still drain).
    func stop() { run.stop() }

    /// Waits for the run to end and counts what it sent.
    func outcome() async -> Outcome {
        let result = if let observed { await observed.result() } else { await run.result() }
        return Outcome(
            answered: Int(result.requests), errors: Int(result.errors.total),
            late: Int(result.late) + max(0, synthesis.stats.skippedLate))
    }
}
