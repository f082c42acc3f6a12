import Emission
import Histogram
import Synthesis
import Telemetry

extension RunProgress {
    /// Where a run stands at `snapshot`, with the faults a synthesizer has put in the send
    /// queue so far (`faults`; at most a few chunks ahead of sending).
    public init(_ snapshot: EmissionSnapshot, faults: SynthesisStats? = nil) {
        self.init(
            elapsedSeconds: snapshot.elapsedSeconds, sent: snapshot.sent, answered: snapshot.completed,
            late: snapshot.late + UInt64(max(0, faults?.skippedLate ?? 0)),
            errors: Self.errors(snapshot.errors), faults: faults.map(Self.faults) ?? [:],
            // The interval means are exact sums over their intervals, so the total is exact too.
            latencySumSeconds: 0,
            answerRate: snapshot.intervalRate,
            sendRate: snapshot.intervalSeconds > 0 ? Double(snapshot.intervalSent) / snapshot.intervalSeconds : 0,
            intervalMeanLatencySeconds: snapshot.intervalMeanLatencyMicros / 1e6)
    }

    /// A finished run's totals (latency sum from its histogram).
    public init(_ result: EmissionResult, faults: SynthesisStats? = nil) {
        self.init(
            elapsedSeconds: result.durationSeconds, sent: result.sent, answered: result.requests,
            late: result.late + UInt64(max(0, faults?.skippedLate ?? 0)),
            errors: Self.errors(result.errors), faults: faults.map(Self.faults) ?? [:],
            latencySumSeconds: result.latency.totalCount > 0 ? result.latency.mean * Double(result.latency.totalCount) / 1e6 : 0)
    }

    static func errors(_ counts: EmissionErrorCounts) -> [String: UInt64] {
        Dictionary(uniqueKeysWithValues: counts.byKind.map { ($0.kind, $0.count) })
    }

    static func faults(_ stats: SynthesisStats) -> [String: UInt64] {
        Dictionary(uniqueKeysWithValues: stats.faults.map { ($0.key.rawValue, UInt64($0.value)) })
    }
}

extension RunLatencyQuantiles {
    /// The published quantiles of a microsecond histogram, in seconds; nil when it is empty.
    public init?(microseconds histogram: Histogram<UInt64>) {
        guard histogram.totalCount > 0 else { return nil }
        self.init(Self.published.map { ($0, Double(histogram.valueAtPercentile($0 * 100)) / 1e6) })
    }
}

/// An emission run whose live snapshots feed ``RunMetrics`` (see ``RunMetrics/observe(_:name:faults:)``).
public struct ObservedRun: Sendable {
    /// The run's snapshots, passed on once recorded: iterate this instead of `run.snapshots`
    /// (an `AsyncStream` has one reader).
    public let snapshots: AsyncStream<EmissionSnapshot>
    private let recording: Task<EmissionResult, Never>
    private let run: EmissionRun

    init(snapshots: AsyncStream<EmissionSnapshot>, recording: Task<EmissionResult, Never>, run: EmissionRun) {
        self.snapshots = snapshots
        self.recording = recording
        self.run = run
    }

    /// Stops sending now (see `EmissionRun.stop()`); ``result()`` then returns soon.
    public func stop() { run.stop() }

    /// Waits for the end of the run; its final totals and latency quantiles are recorded by then.
    public func result() async -> EmissionResult { await recording.value }
}

extension RunMetrics {
    /// Records `run` under `run="<name>"`: each snapshot as it comes (latency sums from the
    /// interval means), then the final totals and quantiles from the result. `faults` reads the
    /// synthesizer's fault counts, when the run injects faults.
    public func observe(_ run: EmissionRun, name: String, faults: (@Sendable () -> SynthesisStats)? = nil) -> ObservedRun {
        let recorder = begin(run: name)
        let (relay, continuation) = AsyncStream<EmissionSnapshot>.makeStream(bufferingPolicy: .bufferingNewest(4096))
        let recording = Task {
            var latencySum = 0.0
            var previousCompleted: UInt64 = 0
            for await snapshot in run.snapshots {
                // Completions of the interval × their mean latency = the interval's latency sum.
                let completed = snapshot.completed >= previousCompleted ? snapshot.completed - previousCompleted : 0
                latencySum += Double(completed) * snapshot.intervalMeanLatencyMicros / 1e6
                previousCompleted = snapshot.completed
                var progress = RunProgress(snapshot, faults: faults?())
                progress.latencySumSeconds = latencySum
                recorder.record(progress)
                continuation.yield(snapshot)
            }
            continuation.finish()
            let result = await run.result()
            recorder.finish(RunProgress(result, faults: faults?()), latency: RunLatencyQuantiles(microseconds: result.latency))
            return result
        }
        return ObservedRun(snapshots: relay, recording: recording, run: run)
    }
}
