import CEmit
import Synchronization

/// Wakes the closed-stream feed when the engine has taken a chunk off its queue (a slot is free)
/// or a worker has ended (pushes fail from then on), so the feed waits for that instead of
/// retrying a full queue on a timer.
///
/// A closed-stream producer is ahead of the engine almost all the time: with a timer it woke
/// ~250 times a second (plus Dispatch's timer thread each time) on the engine's core to find the
/// queue still full; with this it wakes about once per chunk the engine takes.
///
/// A signal that finds no waiter is kept (one), so a wake-up between a failed push and the wait
/// is not lost. Registered with the engine by ``EngineHandle``, which keeps it alive for the
/// engine's lifetime (the engine calls it from its worker threads until they are joined).
final class QueueSlotSignal: Sendable {
    private struct State {
        var pending = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    /// Wakes the waiter, or lets the next ``wait()`` return at once.
    func fire() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let waiter = state.waiter else {
                state.pending = true
                return nil
            }
            state.waiter = nil
            return waiter
        }
        waiter?.resume()
    }

    /// Returns after the next ``fire()`` (at once if one came since the last wait), or when the
    /// task is cancelled. One waiter at a time.
    func wait() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let now = state.withLock { state -> Bool in
                    if state.pending || Task.isCancelled {
                        state.pending = false
                        return true
                    }
                    state.waiter = continuation
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            fire()
        }
    }

    /// The C callback: `ctx` is an unretained `QueueSlotSignal`.
    static let notify: @convention(c) (UnsafeMutableRawPointer?) -> Void = { context in
        guard let context else { return }
        Unmanaged<QueueSlotSignal>.fromOpaque(context).takeUnretainedValue().fire()
    }
}
