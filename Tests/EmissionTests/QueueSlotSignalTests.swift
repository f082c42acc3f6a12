import Testing
@testable import Emission

/// The closed-stream feed's wake-up (`QueueSlotSignal`): no signal is lost between a failed push
/// and the wait, and a cancelled feed does not wait forever.
@Suite("Queue slot signal")
struct QueueSlotSignalTests {
    @Test("a signal that comes before the wait is kept: the wait returns at once, once")
    func firedBeforeWait() async {
        let signal = QueueSlotSignal()
        signal.fire()
        signal.fire() // kept as one
        await signal.wait()
        let second = Task { await signal.wait(); return true }
        signal.fire() // wakes the second wait (whether it is already waiting or not)
        #expect(await second.value)
    }

    @Test("a waiting feed is woken by the engine's C callback")
    func wokenByCallback() async {
        let signal = QueueSlotSignal()
        let waiter = Task { await signal.wait(); return true }
        QueueSlotSignal.notify(Unmanaged.passUnretained(signal).toOpaque())
        #expect(await waiter.value)
        QueueSlotSignal.notify(nil) // no context: nothing happens
    }

    @Test("cancelling the waiting task ends the wait")
    func cancelled() async {
        let signal = QueueSlotSignal()
        let waiter = Task { await signal.wait(); return Task.isCancelled }
        waiter.cancel()
        #expect(await waiter.value)
    }
}
