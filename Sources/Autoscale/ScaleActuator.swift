import Logging

/// How failed hooks are retried.
public struct RetryPolicy: Sendable, Hashable {
    /// Attempts in all (1 = no retry).
    public var maxAttempts: Int
    /// Wait before the second attempt, in seconds.
    public var initialBackoff: Double
    /// Factor applied to the wait after each failure.
    public var multiplier: Double
    /// Longest wait.
    public var maxBackoff: Double

    /// Creates a policy.
    public init(maxAttempts: Int = 4, initialBackoff: Double = 0.5, multiplier: Double = 2, maxBackoff: Double = 10) {
        self.maxAttempts = max(1, maxAttempts)
        self.initialBackoff = initialBackoff
        self.multiplier = multiplier
        self.maxBackoff = maxBackoff
    }

    /// The wait before attempt `attempt` (2, 3, …).
    public func backoff(beforeAttempt attempt: Int) -> Double {
        guard attempt > 1 else { return 0 }
        var wait = initialBackoff
        for _ in 2..<attempt { wait *= multiplier }
        return min(wait, maxBackoff)
    }
}

/// What one hook did with one decision.
public struct HookOutcome: Sendable, Hashable {
    /// The hook's name.
    public var hook: String
    /// Attempts made (0 in dry-run).
    public var attempts: Int
    /// Whether it worked (true in dry-run).
    public var succeeded: Bool
    /// The last error, when it failed.
    public var error: String?
    /// Whether this was a dry run.
    public var dryRun: Bool
}

/// Logs every decision with its inputs and reason, and applies the ones that change the replica
/// count through the hooks, retrying with exponential backoff. A failing hook is reported in the
/// outcome and the log, never thrown: scaling trouble must not stop a load run.
public struct ScaleActuator: Sendable {
    /// The hooks, applied in order.
    public var hooks: [any ScaleHook]
    /// Retry policy.
    public var retry: RetryPolicy
    /// Log decisions without calling any hook.
    public var dryRun: Bool
    /// Where decisions go.
    public var logger: Logger
    /// How to wait between attempts (tests pass a recorder).
    public var sleep: @Sendable (Double) async -> Void

    /// Creates an actuator.
    public init(
        hooks: [any ScaleHook], retry: RetryPolicy = RetryPolicy(), dryRun: Bool = false,
        logger: Logger = Logger(label: "shadowcast.autoscale"),
        sleep: @escaping @Sendable (Double) async -> Void = { seconds in
            try? await Task.sleep(nanoseconds: UInt64(max(0, seconds) * 1e9))
        }
    ) {
        self.hooks = hooks
        self.retry = retry
        self.dryRun = dryRun
        self.logger = logger
        self.sleep = sleep
    }

    /// Logs `decision` and, when it changes the count, applies it through every hook.
    public func handle(_ decision: ScaleDecision) async -> [HookOutcome] {
        var metadata: Logger.Metadata = [
            "policy": "\(decision.policy)", "current": "\(decision.currentReplicas)", "desired": "\(decision.desiredReplicas)",
            "reason": "\(decision.reason)", "time": "\(decision.time)",
        ]
        for input in decision.inputs { metadata["in.\(input.name)"] = "\(input.value)" }
        logger.info(decision.changesReplicas ? "scale decision" : "scale decision (no change)", metadata: metadata)
        guard decision.changesReplicas else { return [] }
        var outcomes: [HookOutcome] = []
        for hook in hooks {
            if dryRun {
                logger.info("dry run: hook not called", metadata: ["hook": "\(hook.name)", "replicas": "\(decision.desiredReplicas)"])
                outcomes.append(HookOutcome(hook: hook.name, attempts: 0, succeeded: true, error: nil, dryRun: true))
                continue
            }
            outcomes.append(await apply(decision, with: hook))
        }
        return outcomes
    }

    private func apply(_ decision: ScaleDecision, with hook: any ScaleHook) async -> HookOutcome {
        var lastError = ""
        for attempt in 1...retry.maxAttempts {
            if attempt > 1 { await sleep(retry.backoff(beforeAttempt: attempt)) }
            do {
                try await hook.apply(decision)
                logger.info("hook applied", metadata: ["hook": "\(hook.name)", "replicas": "\(decision.desiredReplicas)", "attempt": "\(attempt)"])
                return HookOutcome(hook: hook.name, attempts: attempt, succeeded: true, error: nil, dryRun: false)
            } catch {
                lastError = "\(error)"
                logger.warning("hook failed", metadata: ["hook": "\(hook.name)", "attempt": "\(attempt)", "error": "\(lastError)"])
            }
        }
        logger.error("hook gave up", metadata: ["hook": "\(hook.name)", "attempts": "\(retry.maxAttempts)", "error": "\(lastError)"])
        return HookOutcome(hook: hook.name, attempts: retry.maxAttempts, succeeded: false, error: lastError, dryRun: false)
    }
}
