import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// A detached OS thread of its own, for a loop that blocks in C calls for the length of a run.
///
/// Neither Dispatch's global queues nor Swift's cooperative pool may be used for that: on
/// Linux both are sized by the core count, so on a 2-core machine two blocked workers leave
/// nothing to resume tasks or fire `Task.sleep`, and every `await` in the process (the schedule
/// feed, progress, metrics) stalls until one of them wakes.
enum DedicatedThread {
    private final class Body: Sendable {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }

    /// Starts `body` on a new detached thread; if the system refuses one, runs it on a Dispatch
    /// worker (the old behaviour) rather than not at all.
    static func start(_ body: @escaping @Sendable () -> Void) {
        let box = Unmanaged.passRetained(Body(body))
        var thread = pthread_t()
        let rc = pthread_create(&thread, nil, { raw in
            guard let raw else { return nil }
            Unmanaged<Body>.fromOpaque(raw).takeRetainedValue().run()
            return nil
        }, box.toOpaque())
        if rc == 0 {
            pthread_detach(thread)
        } else {
            box.release()
            DispatchQueue.global().async(execute: body)
        }
    }
}
