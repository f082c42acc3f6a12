import Emission

/// How the predictive shadow loop runs: its step, how far ahead it plays the forecast, where
/// the extra synthetic traffic goes and how much memory the summary may take.
public struct PredictiveShadowLoopConfiguration: Sendable {
    /// Where and how the loop sends the synthetic traffic it plays ahead.
    public struct Synthetic: Sendable {
        /// The secondary (host must be an IP literal: the emitter does not resolve names).
        public var target: EmissionTarget
        /// `Host` header of the synthetic requests.
        public var host: String
        /// Seed of the sampling (step `k` uses `seed + k`, so a run is reproducible).
        public var seed: UInt64 = 0x5EED
        /// Connections the emitter opens to the secondary per step.
        public var connections: Int = 16
        /// Deadline of one synthetic request (and of connecting).
        public var requestTimeout: Duration = .seconds(2)
        /// How long a step's run waits for late responses after its schedule ended.
        public var drain: Duration = .milliseconds(250)
        /// Emission backend (io_uring, epoll or auto).
        public var backend: EmissionConfiguration.Backend = .auto
        /// Highest synthetic rate played (req/s), whatever the forecast says.
        public var maxRate: Double = 50_000

        /// Creates the settings for a secondary.
        public init(target: EmissionTarget, host: String? = nil) {
            self.target = target
            self.host = host ?? target.description
        }
    }

    /// How steps follow each other.
    public enum Pacing: Sendable, Equatable {
        /// Step `k` ends `k` steps after the start (wall clock); steps missed while the process
        /// was not scheduled are skipped, not caught up.
        case wallClock
        /// Step `k` ends `k` steps after the start (wall clock); steps missed while the process
        /// was not scheduled run back to back to catch up (every step is run: the demo's
        /// per-second sampling).
        case wallClockCatchingUp
        /// Steps follow each other without waiting, on a virtual clock (`k` × step); a step
        /// still waits for the previous step's synthetic run to finish. For replays and tests
        /// that must not depend on the scheduler.
        case backToBack
    }

    /// Length of one step: the loop measures, forecasts, plays ahead and scales once per step.
    public var step: Duration = .seconds(10)
    /// Wall clock (the default) or back to back.
    public var pacing: Pacing = .wallClock
    /// How far ahead the forecast is played to the secondary (the loop sends, during each step,
    /// the predicted rate at `now + predictAhead` minus the rate just measured).
    public var predictAhead: Duration = .seconds(600)
    /// Stop after this many steps; `nil`: until stopped (graceful shutdown or ``PredictiveShadowLoop/stop()``).
    public var steps: Int? = nil
    /// Synthetic traffic settings; `nil`: forecast and scale only, send nothing extra.
    public var synthetic: Synthetic? = nil
    /// Replicas of the secondary when the loop starts (the autoscaler's starting point).
    public var initialReplicas: Int = 1
    /// Most step records kept for the summary (the oldest are dropped and counted beyond it).
    public var maxRecordedSteps: Int = 10_000

    /// Creates a configuration with the defaults above.
    public init(step: Duration = .seconds(10), predictAhead: Duration = .seconds(600)) {
        self.step = step
        self.predictAhead = predictAhead
    }

    /// Seconds per step.
    public var stepSeconds: Double { step.seconds }
    /// Seconds of look-ahead.
    public var aheadSeconds: Double { predictAhead.seconds }

    /// Checks the values; the message names the field.
    public func validate() throws(PredictiveShadowLoopError) {
        guard step > .zero else { throw .invalid("step must be positive") }
        guard predictAhead >= step else { throw .invalid("predict-ahead (\(aheadSeconds) s) must be at least one step (\(stepSeconds) s)") }
        if let steps, steps < 1 { throw .invalid("steps must be at least 1") }
        guard initialReplicas >= 0 else { throw .invalid("initial replicas must not be negative") }
        guard maxRecordedSteps >= 1 else { throw .invalid("max recorded steps must be at least 1") }
        if let synthetic {
            guard synthetic.connections >= 1 else { throw .invalid("synthetic connections must be at least 1") }
            guard synthetic.maxRate > 0 else { throw .invalid("synthetic max rate must be positive") }
        }
    }
}

/// A configuration the loop cannot run with.
public enum PredictiveShadowLoopError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A field is out of range; the text says which.
    case invalid(String)

    public var description: String {
        switch self {
        case let .invalid(why): return "predictive loop: \(why)"
        }
    }
}

extension Duration {
    /// The duration in seconds, as a `Double`.
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
