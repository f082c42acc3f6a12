import Autoscale
import Emission
import Foundation
import Logging
import Shadow
import ServiceLifecycle
import Synchronization
import Telemetry

/// The predictive loop on top of the shadow proxy (issue 7): once a step it
///
/// 1. measures the rate the proxy saw (``LiveTraffic``, fed by the proxy's exchange sink),
/// 2. feeds it to the forecaster (online adaptation) and reads the forecast from now on,
/// 3. sends the secondary, during the next step, synthetic traffic for the difference between
///    the rate predicted `predictAhead` from now and the rate just measured, sampled from the
///    live profile (Synthesis → Emission) — so the secondary meets the coming peak before the
///    primary does,
/// 4. lets the autoscaler act on the forecast (predictive policy, hooks),
/// 5. records predicted vs actual, what was played and what scaled.
///
/// It is a swift-service-lifecycle `Service` (graceful shutdown stops it at the next moment;
/// a step's synthetic run is stopped and awaited), and can be driven directly with
/// ``run(onStep:)`` (the demo, tests). Memory is bounded: step records beyond
/// `maxRecordedSteps` are dropped (counted), the pending predictions cover one look-ahead, at
/// most two synthetic runs exist at once, and the live profile and forecaster bound their own.
///
/// ```swift
/// let traffic = LiveTraffic(stepSeconds: 10)
/// let loop = try PredictiveShadowLoop(
///     configuration: configuration,
///     forecaster: AdaptiveLoadForecaster(stepSeconds: 10, aheadSeconds: 600),
///     traffic: traffic, autoscaler: autoscaler)
/// // consumer of the proxy's ShadowExchangeStream: traffic.ingest(batch)
/// let summary = await loop.run()
/// ```
public final class PredictiveShadowLoop: Service, Sendable {
    /// How the loop runs.
    public let configuration: PredictiveShadowLoopConfiguration
    private let traffic: LiveTraffic?
    private let autoscaler: Autoscaler?
    private let reportStep: (@Sendable (PredictiveStepRecord) -> Void)?
    private let metrics: RunMetrics?
    private let forecaster: Mutex<any LiveLoadForecaster>
    private let stopRequested = Mutex(false)
    private let outcome = Mutex<PredictiveLoopSummary?>(nil)

    /// Creates a loop.
    /// - Parameters:
    ///   - forecaster: the live forecaster (``AdaptiveLoadForecaster``) or a fixed plan.
    ///   - traffic: the live profile fed by the proxy; `nil`: no actual rate is measured and no
    ///     synthetic traffic is sampled (forecast and scale only).
    ///   - autoscaler: acts on the forecast each step; `nil`: no scaling.
    ///   - reportStep: called after each step when run as a service (e.g. a progress line).
    ///   - metrics: where each step's synthetic run is recorded, under
    ///     `run="\(PredictiveShadowLoop.syntheticRunLabel)"` (the `--metrics-port` endpoint);
    ///     `nil`: not recorded.
    public init(
        configuration: PredictiveShadowLoopConfiguration, forecaster: some LiveLoadForecaster,
        traffic: LiveTraffic?, autoscaler: Autoscaler? = nil,
        reportStep: (@Sendable (PredictiveStepRecord) -> Void)? = nil,
        metrics: RunMetrics? = nil
    ) throws(PredictiveShadowLoopError) {
        try configuration.validate()
        self.configuration = configuration
        self.traffic = traffic
        self.autoscaler = autoscaler
        self.reportStep = reportStep
        self.metrics = metrics
        self.forecaster = Mutex(forecaster)
    }

    /// Asks the loop to end; it finishes within about 100 ms (plus awaiting the step's
    /// synthetic run, which is stopped).
    public func stop() {
        stopRequested.withLock { $0 = true }
    }

    /// The `run` label of the synthetic traffic's series in ``RunMetrics``: all steps' runs
    /// add up under it.
    public static let syntheticRunLabel = "shadow-synthetic"

    /// The summary, once ``run()`` (the service entry point) has returned.
    public var summary: PredictiveLoopSummary? { outcome.withLock { $0 } }

    /// The service entry point: runs until the configured steps are done or a graceful
    /// shutdown (SIGINT/SIGTERM, the run's deadline) arrives; keeps the summary in ``summary``.
    public func run() async throws {
        let reportStep = self.reportStep
        _ = await withGracefulShutdownHandler {
            await run { record in reportStep?(record) }
        } onGracefulShutdown: {
            self.stop()
        }
    }

    private var isStopped: Bool { stopRequested.withLock { $0 } || Task.isCancelled }

    /// Sleeps until `deadline` in short slices; `false` when stopped meanwhile.
    private func sleep(until deadline: ContinuousClock.Instant) async -> Bool {
        let clock = ContinuousClock()
        while clock.now < deadline {
            if isStopped { return false }
            let slice = min(deadline - clock.now, .milliseconds(100))
            try? await Task.sleep(for: slice)
        }
        return !isStopped
    }

    /// Runs the steps, calling `onStep` after each one, and returns (and keeps) the summary.
    @discardableResult
    public func run(onStep: (PredictiveStepRecord) async -> Void) async -> PredictiveLoopSummary {
        let c = configuration
        let stepSeconds = c.stepSeconds, aheadSeconds = c.aheadSeconds
        let aheadSteps = max(1, Int((aheadSeconds / stepSeconds).rounded()))
        let player = c.synthetic.map(AheadTraffic.init)
        var model = forecaster.withLock { $0 }
        var records: [PredictiveStepRecord] = []
        var dropped = 0
        var pending: [Int: Double] = [:]
        var inFlight: AheadRun?
        var replicas = c.initialReplicas
        var answered = 0, failed = 0, late = 0
        var step = 0, stepsRun = 0, skipped = 0
        let start = ContinuousClock.now
        steps: while c.steps.map({ step < $0 }) ?? true {
            var next = step + 1
            switch c.pacing {
            case .wallClock:
                guard await sleep(until: start + c.step * (step + 1)) else { break steps }
                // When the process was starved past whole steps, jump to the current step instead
                // of running the missed ones back to back; the interval's rate is spread over them.
                next = max(next, Int(((ContinuousClock.now - start) / c.step).rounded(.down)))
            case .wallClockCatchingUp:
                guard await sleep(until: start + c.step * (step + 1)) else { break steps }
            case .backToBack:
                if isStopped { break steps }
            }
            if let steps = c.steps { next = min(next, steps) }
            let span = next - step
            if span > 1 {
                skipped += span - 1
                pending = pending.filter { $0.key >= next }
            }
            step = next
            stepsRun += 1
            let t = Double(step) * stepSeconds
            var notes: [String] = []
            let actual = traffic.map { Double($0.takeStepCount()) / (Double(span) * stepSeconds) }
            if let actual {
                for k in stride(from: min(span, 1_000), to: 0, by: -1) {
                    if let note = model.observe(rate: actual, at: t - Double(k - 1) * stepSeconds) { notes.append(note) }
                }
            }
            if span > 1 { notes.append("\(span - 1) steps skipped (the process was not scheduled in time)") }
            let points = model.forecast(from: t, ahead: aheadSeconds)
            let ahead = points.point(at: t + aheadSeconds)
            let predictedNow = pending.removeValue(forKey: step)
            if let ahead { pending[step + aheadSteps] = ahead.rate }

            // Play the difference ahead: start the next step's run first, then collect the last one.
            let previous = inFlight
            inFlight = nil
            var syntheticRate = 0.0
            if let player, let ahead, let traffic {
                let wanted = min(player.settings.maxRate, max(0, ahead.rate - (actual ?? 0)))
                if wanted * stepSeconds >= 1, let profile = traffic.profile() {
                    do {
                        var started = try player.start(profile: AheadTraffic.flattened(profile), rate: wanted, seconds: stepSeconds, step: step)
                        started.observed = metrics?.observe(started.run, name: Self.syntheticRunLabel)
                        inFlight = started
                        syntheticRate = wanted
                    } catch {
                        notes.append("synthetic traffic not started: \(error)")
                    }
                }
            }
            var played = AheadRun.Outcome(answered: 0, errors: 0, late: 0)
            if let previous {
                played = await previous.outcome()
                answered += played.answered
                failed += played.errors
                late += played.late
            }

            var scaling: PredictiveStepRecord.Scaling?
            if let autoscaler, !points.isEmpty {
                let decision = await autoscaler.tick(AutoscalerInput(
                    now: t, currentReplicas: replicas,
                    forecast: points.map { RateForecastPoint(time: $0.time, upperRate: $0.upperRate) }))
                if decision.changesReplicas {
                    let outcomes = await autoscaler.history.last?.outcomes ?? []
                    scaling = .init(
                        from: decision.currentReplicas, to: decision.desiredReplicas, reason: decision.reason,
                        failedHooks: outcomes.filter { !$0.succeeded }.map { "\($0.hook): \($0.error ?? "failed")" })
                    replicas = decision.desiredReplicas
                }
            }
            let record = PredictiveStepRecord(
                step: step, time: t, actualRate: actual, predictedRate: predictedNow,
                predictedAheadRate: ahead?.rate, predictedAheadUpperRate: ahead?.upperRate,
                syntheticRate: syntheticRate, syntheticAnswered: played.answered, syntheticErrors: played.errors,
                syntheticLate: played.late,
                replicas: replicas, scaling: scaling, note: notes.isEmpty ? nil : notes.joined(separator: "; "))
            if records.count >= c.maxRecordedSteps {
                records.removeFirst()
                dropped += 1
            }
            records.append(record)
            await onStep(record)
        }
        if let inFlight {
            inFlight.stop()
            let played = await inFlight.outcome()
            answered += played.answered
            failed += played.errors
            late += played.late
        }
        forecaster.withLock { $0 = model }
        let summary = PredictiveLoopSummary(
            stepSeconds: stepSeconds, predictAheadSeconds: aheadSeconds, stepsRun: stepsRun, skippedSteps: skipped,
            steps: records, droppedSteps: dropped, syntheticAnswered: answered, syntheticErrors: failed, syntheticLate: late,
            finalReplicas: replicas)
        outcome.withLock { $0 = summary }
        return summary
    }
}

extension PredictiveShadowLoop {
    /// Serves `proxy` with this loop beside it in one swift-service-lifecycle group until
    /// SIGINT/SIGTERM or `duration`: the loop stops first, then the proxy drains. Returns the
    /// proxy's statistics; the loop's outcome is in ``summary``.
    public func serve(
        beside proxy: ShadowProxy, duration: Duration? = nil, drainTimeout: Duration = .seconds(5), logger: Logger
    ) async throws -> ShadowStats {
        try await ShadowRunner.run(proxy, duration: duration, drainTimeout: drainTimeout, alongside: [self], logger: logger)
    }
}
