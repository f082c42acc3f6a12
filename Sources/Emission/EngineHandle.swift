import CEmit
#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Histogram
import Traffic

/// Owns one C engine (`cemit_engine`).
///
/// `@unchecked Sendable` is sound here: the pointer is immutable, and the C functions called
/// through it from several threads (`cemit_engine_stats`, `_push`, `_end_stream`, `_stop`,
/// `_wait`) are documented thread-safe in CEmit.h (atomics and a mutex inside the engine); the
/// histogram and route reads happen only after `_wait` returned 0 (workers joined); `_destroy`
/// runs once, in `deinit`, when no other reference exists.
final class EngineHandle: @unchecked Sendable {
    let pointer: OpaquePointer
    let routeNames: [String]
    /// Closed-stream runs: fired by the workers when a queue slot frees or a worker ends (the
    /// feed waits on it instead of polling). Kept alive as long as the engine.
    let slotSignal: QueueSlotSignal?

    init(configuration: EmissionConfiguration, requests: RequestBatch?, routes: [String]) throws(EmissionError) {
        try configuration.validate()
        guard MemoryLayout<RequestBatch.Entry>.size == MemoryLayout<cemit_request>.size,
              MemoryLayout<RequestBatch.Entry>.stride == MemoryLayout<cemit_request>.stride,
              MemoryLayout<RequestBatch.Entry>.offset(of: \.sendAtNanos) == 16
        else { throw .invalidRequests("RequestBatch.Entry does not match cemit_request") }
        let address = try configuration.target.resolve()
        var cfg = cemit_config()
        cemit_config_defaults(&cfg)
        withUnsafeMutableBytes(of: &cfg.address) { raw in for i in 0..<16 { raw[i] = address.bytes[i] } }
        cfg.family = address.family
        cfg.port = configuration.target.port
        switch configuration.model {
        case .closed(let pipeline):
            cfg.mode = Int32(CEMIT_MODE_CLOSED)
            cfg.pipeline = UInt32(pipeline)
        case .constantRate(let rate):
            cfg.mode = Int32(CEMIT_MODE_RATE)
            cfg.rate = rate
        case .schedule:
            cfg.mode = Int32(CEMIT_MODE_SCHEDULE)
        case .closedStream(let pipeline):
            cfg.mode = Int32(CEMIT_MODE_STREAM_CLOSED)
            cfg.pipeline = UInt32(pipeline)
        }
        switch configuration.backend {
        case .auto: cfg.backend = Int32(CEMIT_BACKEND_AUTO)
        case .uring: cfg.backend = Int32(CEMIT_BACKEND_URING)
        case .epoll: cfg.backend = Int32(CEMIT_BACKEND_EPOLL)
        }
        cfg.threads = UInt32(configuration.threads)
        cfg.connections = UInt32(configuration.connections)
        cfg.max_connections = UInt32(max(configuration.maxConnections, configuration.connections))
        cfg.duration_ns = configuration.duration?.nanoseconds ?? 0
        cfg.request_limit = UInt64(configuration.requestLimit ?? 0)
        cfg.connect_timeout_ns = configuration.connectTimeout.nanoseconds
        cfg.request_timeout_ns = configuration.requestTimeout.nanoseconds
        cfg.late_threshold_ns = configuration.lateThreshold.nanoseconds
        cfg.drain_ns = configuration.drain.nanoseconds
        cfg.route_count = UInt32(max(1, routes.count))
        cfg.max_header_bytes = UInt32(configuration.maxHeaderBytes)
        cfg.queue_capacity = UInt32(configuration.scheduleQueueDepth)
        cfg.warmup_send_ns = configuration.warmup?.nanoseconds ?? 0
        switch configuration.busyPoll {
        case .adaptive: cfg.busy_poll_ns = Int64(CEMIT_BUSY_POLL_AUTO)
        case .fixed(let budget): cfg.busy_poll_ns = budget.nanoseconds
        case .off: cfg.busy_poll_ns = 0
        }
        if let name = configuration.tcpCongestion { withUnsafeMutableBytes(of: &cfg.tcp_congestion) { copyCString(name, into: $0) } }
        self.routeNames = routes.isEmpty ? ["all"] : routes

        var engine: OpaquePointer?
        let rc: Int32
        if let requests {
            guard !requests.entries.isEmpty else { throw .invalidRequests("the request batch is empty") }
            for (index, entry) in requests.entries.enumerated() {
                guard entry.length > 0, Int(entry.offset) + Int(entry.length) <= requests.arena.count else {
                    throw .invalidRequests("entry \(index): bytes \(entry.offset)..<\(Int(entry.offset) + Int(entry.length)) outside the arena of \(requests.arena.count) bytes")
                }
            }
            // The engine copies the cycled requests during create.
            rc = requests.arena.withUnsafeBufferPointer { arena in
                requests.entries.withUnsafeBufferPointer { entries in
                    entries.withMemoryRebound(to: cemit_request.self) { requestPointer in
                        cfg.arena = arena.baseAddress
                        cfg.arena_length = arena.count
                        cfg.requests = requestPointer.baseAddress
                        cfg.request_count = UInt32(requestPointer.count)
                        return cemit_engine_create(&cfg, &engine)
                    }
                }
            }
        } else {
            rc = cemit_engine_create(&cfg, &engine)
        }
        guard rc == 0, let engine else { throw .engine(operation: "create", code: rc) }
        self.pointer = engine
        if case .closedStream = configuration.model {
            let signal = QueueSlotSignal()
            _ = cemit_engine_set_queue_notify(engine, QueueSlotSignal.notify, Unmanaged.passUnretained(signal).toOpaque())
            slotSignal = signal
        } else {
            slotSignal = nil
        }
    }

    deinit { cemit_engine_destroy(pointer) }

    var backend: EmissionConfiguration.Backend {
        cemit_engine_backend(pointer) == Int32(CEMIT_BACKEND_URING) ? .uring : .epoll
    }

    func start() throws(EmissionError) {
        let rc = cemit_engine_start(pointer)
        guard rc == 0 else { throw .engine(operation: "start", code: rc) }
    }

    func stop() { cemit_engine_stop(pointer) }

    /// Waits (without blocking a thread) until the run's clock has started, i.e. the workers
    /// have opened their connections, or the run has ended. Bounded by the connect timeout.
    func clockStarted(within limit: Duration) async {
        let deadline = ContinuousClock.now + limit
        while cemit_engine_clock_start_ns(pointer) == 0, cemit_engine_wait(pointer, 0) != 0,
              ContinuousClock.now < deadline, !Task.isCancelled {
            try? await Task.sleep(for: .microseconds(200))
        }
    }

    func stats() -> cemit_stats {
        var stats = cemit_stats()
        cemit_engine_stats(pointer, &stats)
        return stats
    }

    /// Blocks the calling thread until the workers are done, handing a snapshot to `take` every
    /// `intervalNanoseconds` meanwhile (also before the engine has started: counters then read 0).
    func waitUntilDone(snapshotEvery intervalNanoseconds: Int64, take: (EmissionSnapshot) -> Void) {
        var previous = stats()
        var previousTime = ContinuousClock.now
        var nextTick = previousTime + .nanoseconds(intervalNanoseconds)
        while true {
            let wait = max(Int64(0), (nextTick - ContinuousClock.now).nanoseconds)
            let rc = wait > 0 ? cemit_engine_wait(pointer, wait) : -ETIMEDOUT
            if rc == 0 { return }
            // -EINVAL: not started yet (schedule: the first batch is pending).
            if rc == -EINVAL { usleep(UInt32(min(1_000, max(1, wait / 1_000)))) }
            let now = ContinuousClock.now
            guard now >= nextTick else { continue }
            let current = stats()
            take(EmissionSnapshot(current: current, previous: previous, seconds: (now - previousTime).seconds))
            previous = current
            previousTime = now
            nextTick = now + .nanoseconds(intervalNanoseconds)
        }
    }

    /// A histogram in microseconds (call only after the run ended).
    func histogram(kind: Int32, route: UInt32) -> Histogram<UInt64> {
        var histogram = Histogram<UInt64>.microseconds()
        var buckets = [cemit_bucket](repeating: cemit_bucket(), count: 512)
        var n = cemit_engine_histogram(pointer, kind, route, &buckets, buckets.count)
        if n > buckets.count {
            buckets = [cemit_bucket](repeating: cemit_bucket(), count: n)
            n = cemit_engine_histogram(pointer, kind, route, &buckets, buckets.count)
        }
        guard n > 0 else { return histogram }
        for bucket in buckets.prefix(n) {
            let micros = min((bucket.value_ns + 500) / 1000, histogram.highestTrackableValue)
            _ = histogram.record(micros, count: bucket.count)
        }
        return histogram
    }

    func routeStats(_ route: UInt32) -> (completed: UInt64, late: UInt64, errors: EmissionErrorCounts) {
        var completed: UInt64 = 0
        var late: UInt64 = 0
        var errors = [UInt64](repeating: 0, count: Int(CEMIT_ERR_KINDS))
        _ = cemit_engine_route_stats(pointer, route, &completed, &late, &errors)
        return (completed, late, EmissionErrorCounts(engineOrder: errors))
    }
}

extension cemit_stats {
    var errorCounts: EmissionErrorCounts {
        withUnsafeBytes(of: errors) { EmissionErrorCounts(engineOrder: $0.bindMemory(to: UInt64.self)) }
    }
    var statusClassCounts: [UInt64] {
        withUnsafeBytes(of: status_classes) { Array($0.bindMemory(to: UInt64.self)) }
    }
}
