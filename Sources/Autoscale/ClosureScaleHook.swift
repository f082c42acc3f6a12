/// A hook that calls Swift code: how an embedding program (or `run` with the in-process Lab,
/// e.g. `{ lab.setInstances($0.desiredReplicas) }`) scales without a network round trip.
public struct ClosureScaleHook: ScaleHook {
    public let name: String
    private let body: @Sendable (ScaleDecision) async throws -> Void

    /// Creates a hook named `name` running `body`.
    public init(name: String, _ body: @escaping @Sendable (ScaleDecision) async throws -> Void) {
        self.name = name
        self.body = body
    }

    public func apply(_ decision: ScaleDecision) async throws {
        try await body(decision)
    }
}
