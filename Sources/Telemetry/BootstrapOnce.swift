import NIOConcurrencyHelpers

/// Runs a closure at most once per process, thread-safely.
final class BootstrapOnce: Sendable {
    private let done = NIOLockedValueBox(false)

    /// Runs `body` if it never ran; returns whether it ran now.
    func run(_ body: () -> Void) -> Bool {
        done.withLockedValue { done in
            guard !done else { return false }
            body()
            done = true
            return true
        }
    }
}
