import CEmit
#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import Traffic

/// Entry point of the Emission stage: runs pre-serialized requests against a target.
///
/// - Closed or constant-rate runs cycle through one `RequestBatch` (for `load`: a batch of one).
/// - Schedule runs consume a stream of `RequestBatch` chunks whose entries carry intended send
///   times (nanoseconds from the start of the run); the stream is read only as fast as the engine
///   consumes it (at most `scheduleQueueDepth` batches ahead), so an hour-long schedule is never
///   in memory at once. The run's clock starts when the first batch is queued.
/// - Closed-stream runs (`.closedStream`) consume the same kind of stream in order on the closed
///   model: each connection sends the next requests as soon as the previous are answered.
public enum Emitter {
    /// Starts a closed or constant-rate run cycling through `requests` (copied by the engine).
    public static func start(_ configuration: EmissionConfiguration, requests: RequestBatch) throws(EmissionError) -> EmissionRun {
        guard !configuration.model.isStreamed else {
            throw .invalidConfiguration("the schedule and closed-stream models take a stream of batches: use start(_:schedule:routes:)")
        }
        let engine = try EngineHandle(configuration: configuration, requests: requests, routes: requests.routes)
        return try EmissionRun(engine: engine, configuration: configuration, producer: nil)
    }

    /// Starts a run fed by `schedule`: open model (`.schedule`, sent at the entries' times) or
    /// closed model (`.closedStream`, sent in order as fast as the connections are answered).
    /// `routes` names the route ids used by the entries (results are recorded per route; ids
    /// beyond the list go to the last route).
    public static func start<S: AsyncSequence & Sendable>(
        _ configuration: EmissionConfiguration, schedule: S, routes: [String]
    ) throws(EmissionError) -> EmissionRun where S.Element == RequestBatch {
        guard configuration.model.isStreamed else {
            throw .invalidConfiguration("a schedule stream needs model .schedule or .closedStream")
        }
        let engine = try EngineHandle(configuration: configuration, requests: nil, routes: routes)
        let warmUpLimit = configuration.connectTimeout + .seconds(1)
        // Open model: a full queue is retried every 0.5 ms (paced chunks may be small; fewer
        // wake-ups made its sends later, see Benchmarks/results/synthesis.md, session 5). Closed
        // stream: the producer runs flat out and is mostly ahead, so it waits for the engine to
        // free a slot (EngineHandle.slotSignal) instead of waking on a timer.
        return try EmissionRun(engine: engine, configuration: configuration) { engine in
            await feed(engine, from: schedule, warmUpLimit: warmUpLimit, slotFreed: engine.slotSignal)
        }
    }

    /// Runs `requests` to the end and returns the result.
    public static func run(_ configuration: EmissionConfiguration, requests: RequestBatch) async throws(EmissionError) -> EmissionResult {
        await (try start(configuration, requests: requests)).result()
    }

    /// Runs a schedule stream to the end and returns the result.
    public static func run<S: AsyncSequence & Sendable>(
        _ configuration: EmissionConfiguration, schedule: S, routes: [String]
    ) async throws(EmissionError) -> EmissionResult where S.Element == RequestBatch {
        await (try start(configuration, schedule: schedule, routes: routes)).result()
    }

    /// Pushes batches into the engine's bounded queue; starts the engine after the first one.
    /// The second batch is asked for only once the run's clock has started (the connections are
    /// open), so a producer that times its batches by the clock never runs ahead of the engine's.
    /// While the queue is full the push is retried after 0.5 ms, or, with `slotFreed`, once the
    /// engine has taken a chunk off the queue (or a worker ended). Returns the producer's error
    /// message, if it threw.
    static func feed<S: AsyncSequence & Sendable>(
        _ engine: EngineHandle, from schedule: S, warmUpLimit: Duration, slotFreed: QueueSlotSignal? = nil
    ) async -> String? where S.Element == RequestBatch {
        var started = false
        var failure: String?
        defer {
            cemit_engine_end_stream(engine.pointer)
            if !started { try? engine.start() }
        }
        /// Starts the engine after the first batch and waits for its clock (see above).
        func startOnce() async {
            guard !started else { return }
            try? engine.start()
            started = true
            await engine.clockStarted(within: warmUpLimit)
        }
        do {
            for try await batch in schedule {
                guard !batch.entries.isEmpty else { continue }
                if let problem = batch.firstInvalidEntry {
                    failure = problem
                    break
                }
                let box = Unmanaged.passRetained(PinnedBatch(batch))
                var chunk = box.takeUnretainedValue().chunk(release: box.toOpaque())
                var accepted = false
                while true {
                    let rc = cemit_engine_push(engine.pointer, &chunk)
                    if rc == 0 { accepted = true; break }
                    if rc != -EAGAIN { break }
                    await startOnce()
                    if let slotFreed { await slotFreed.wait() } else { try? await Task.sleep(for: .microseconds(500)) }
                    if Task.isCancelled { break }
                }
                if !accepted { box.release(); break }
                await startOnce()
            }
        } catch {
            failure = "schedule producer failed: \(error)"
            engine.stop()
        }
        return failure
    }
}

/// Keeps one batch alive while the engine reads it.
///
/// `@unchecked Sendable`: the batch is immutable after init, and the C engine only reads the two
/// arrays through the pointers taken here until it calls `release` exactly once (from a worker
/// thread, or from `cemit_engine_destroy`). The pointers stay valid because the arrays are stored
/// in this object, never mutated, and native contiguous storage does not move while alive.
final class PinnedBatch: @unchecked Sendable {
    let batch: RequestBatch
    init(_ batch: RequestBatch) { self.batch = batch }

    func chunk(release context: UnsafeMutableRawPointer) -> cemit_chunk {
        var chunk = cemit_chunk()
        batch.arena.withUnsafeBufferPointer { chunk.arena = $0.baseAddress; chunk.arena_length = $0.count }
        batch.entries.withUnsafeBufferPointer { entries in
            entries.withMemoryRebound(to: cemit_request.self) {
                chunk.requests = $0.baseAddress
                chunk.count = UInt32($0.count)
            }
        }
        chunk.release = { context in
            guard let context else { return }
            Unmanaged<PinnedBatch>.fromOpaque(context).release()
        }
        chunk.release_ctx = context
        return chunk
    }
}

extension RequestBatch {
    /// Describes the first entry whose bytes are outside the arena, if any.
    var firstInvalidEntry: String? {
        for (index, entry) in entries.enumerated()
        where entry.length == 0 || Int(entry.offset) + Int(entry.length) > arena.count {
            return "batch entry \(index): bytes \(entry.offset)..<\(Int(entry.offset) + Int(entry.length)) outside the arena of \(arena.count) bytes"
        }
        return nil
    }
}
