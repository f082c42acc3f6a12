import Prometheus
import Synchronization

/// Records one run into ``RunMetrics``: call ``record(_:)`` with each live progress value (about
/// once a second) and ``finish(_:latency:)`` with the run's final totals. Values are cumulative;
/// the recorder turns them into counter increments, so counters stay exact whatever the
/// sampling.
public final class RunRecorder: Sendable {
    private let metrics: RunMetrics
    /// The `run` label.
    public let name: String
    private let last = Mutex(RunProgress(elapsedSeconds: 0, sent: 0, answered: 0))

    private let sent: Counter
    private let answered: Counter
    private let late: Counter
    private let answerRate: Gauge
    private let sendRate: Gauge
    private let meanLatency: Gauge
    private let inFlight: Gauge
    private let elapsed: Gauge
    private let active: Gauge

    init(metrics: RunMetrics, name: String) {
        self.metrics = metrics
        self.name = name
        sent = metrics.counter("requests_sent", "Requests written to the target.", name)
        answered = metrics.counter("responses", "Responses received (any status).", name)
        late = metrics.counter("late_sends", "Requests sent later than the late threshold (open model).", name)
        answerRate = metrics.gauge("response_rate", "per_second", "Responses per second over the last interval.", name)
        sendRate = metrics.gauge("send_rate", "per_second", "Requests sent per second over the last interval.", name)
        meanLatency = metrics.gauge("latency_mean", "seconds", "Mean latency (from the intended send time) of the last interval.", name)
        inFlight = metrics.gauge("in_flight", "requests", "Requests sent and not yet answered, failed or faulted.", name)
        elapsed = metrics.gauge("run_elapsed", "seconds", "Seconds since the run started.", name)
        active = metrics.gauge("run", "active", "1 while the run sends load, 0 once it ended.", name)
        // Every error kind exists from the start, so a dashboard sees zeros rather than gaps.
        for kind in RunRecorder.errorKinds { _ = errors(kind) }
        active.set(to: 1)
        elapsed.set(to: 0)
    }

    /// The error kinds the emitter distinguishes.
    public static let errorKinds = ["refused", "reset", "timeout", "closed_early", "parse", "other"]

    private func errors(_ kind: String) -> Counter {
        metrics.counter("request_errors", "Failed requests by kind.", name, [("kind", kind)])
    }

    private func faults(_ kind: String) -> Counter {
        metrics.counter("faults_injected", "Fault-injected requests by fault kind.", name, [("kind", kind)])
    }

    /// Records where the run stands now (cumulative counts since it started).
    public func record(_ progress: RunProgress) {
        let previous = last.withLock { last -> RunProgress in
            let previous = last
            last = Self.merged(progress, previous)
            return previous
        }
        increment(sent, progress.sent, previous.sent)
        increment(answered, progress.answered, previous.answered)
        increment(late, progress.late, previous.late)
        for (kind, count) in progress.errors { increment(errors(kind), count, previous.errors[kind] ?? 0) }
        for (kind, count) in progress.faults { increment(faults(kind), count, previous.faults[kind] ?? 0) }
        if progress.answered > previous.answered {
            metrics.addLatency(run: name, count: progress.answered - previous.answered,
                               sumSeconds: max(0, progress.latencySumSeconds - previous.latencySumSeconds))
        }
        answerRate.set(to: progress.answerRate)
        sendRate.set(to: progress.sendRate)
        meanLatency.set(to: progress.intervalMeanLatencySeconds)
        let faulted = progress.faults.values.reduce(0, +)
        let ended = progress.answered + progress.errorTotal + faulted
        inFlight.set(to: Double(progress.sent > ended ? progress.sent - ended : 0))
        elapsed.set(to: progress.elapsedSeconds)
    }

    /// Records the run's final totals (which include what arrived after the last live value)
    /// and its latency quantiles, sets the rate gauges to 0 and marks the run inactive.
    public func finish(_ totals: RunProgress, latency: RunLatencyQuantiles?) {
        var final = totals
        final.answerRate = 0
        final.sendRate = 0
        final.intervalMeanLatencySeconds = 0
        record(final)
        inFlight.set(to: 0)
        if let latency { metrics.setQuantiles(run: name, latency) }
        active.set(to: 0)
    }

    private func increment(_ counter: Counter, _ now: UInt64, _ before: UInt64) {
        guard now > before else { return }
        counter.increment(by: Int64(clamping: now - before))
    }

    /// The new cumulative values, never below the old ones (a counter never goes back).
    private static func merged(_ new: RunProgress, _ old: RunProgress) -> RunProgress {
        var out = new
        out.sent = max(new.sent, old.sent)
        out.answered = max(new.answered, old.answered)
        out.late = max(new.late, old.late)
        out.errors = old.errors.merging(new.errors, uniquingKeysWith: max)
        out.faults = old.faults.merging(new.faults, uniquingKeysWith: max)
        out.latencySumSeconds = max(new.latencySumSeconds, old.latencySumSeconds)
        return out
    }
}
