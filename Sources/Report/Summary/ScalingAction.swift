/// One decision of the autoscaler and what its hook did.
public struct ScalingAction: Codable, Sendable, Equatable {
    /// Seconds since the run started.
    public var t: Double
    /// Instances before the action.
    public var from: Int
    /// Instances asked for.
    public var to: Int
    /// Policy that decided (e.g. `predictive`, `reactive`).
    public var policy: String
    /// Why, as a sentence.
    public var reason: String
    /// What the scaling hook reported.
    public var hook: HookResult

    /// Creates an action.
    public init(t: Double, from: Int, to: Int, policy: String, reason: String, hook: HookResult) {
        self.t = t
        self.from = from
        self.to = to
        self.policy = policy
        self.reason = reason
        self.hook = hook
    }
}

/// Outcome of running a scaling hook.
public struct HookResult: Codable, Sendable, Equatable {
    /// Whether the hook succeeded.
    public var succeeded: Bool
    /// Exit code of a command hook, or HTTP status of a webhook.
    public var code: Int?
    /// How long the hook took, in milliseconds.
    public var durationMs: Double?
    /// Short message (first line of its output, or the error).
    public var message: String?

    /// Creates a hook result.
    public init(succeeded: Bool, code: Int? = nil, durationMs: Double? = nil, message: String? = nil) {
        self.succeeded = succeeded
        self.code = code
        self.durationMs = durationMs
        self.message = message
    }
}
