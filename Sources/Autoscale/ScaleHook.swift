/// Something that carries out a scaling decision (a command, a webhook, the Lab's admin endpoint).
public protocol ScaleHook: Sendable {
    /// A short name for logs and reports.
    var name: String { get }
    /// Applies `decision.desiredReplicas`; throws `ScaleHookError` when it did not work.
    func apply(_ decision: ScaleDecision) async throws
}

/// Why a hook failed.
public struct ScaleHookError: Error, Sendable, CustomStringConvertible {
    /// Which hook.
    public var hook: String
    /// What went wrong.
    public var message: String

    /// Creates an error.
    public init(hook: String, message: String) {
        self.hook = hook
        self.message = message
    }

    public var description: String { "\(hook): \(message)" }
}

/// Substitutes `{replicas}`, `{current}` and `{policy}` in a template.
public enum ScaleTemplate {
    /// The placeholders a template may use.
    public static let placeholders = ["{replicas}", "{current}", "{policy}"]

    /// `template` with the decision's values substituted.
    public static func render(_ template: String, _ decision: ScaleDecision) -> String {
        template
            .replacingAll("{replicas}", with: String(decision.desiredReplicas))
            .replacingAll("{current}", with: String(decision.currentReplicas))
            .replacingAll("{policy}", with: decision.policy)
    }
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var result = ""
        var rest = self[...]
        while let range = rest.range(of: target) {
            result += rest[..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}
