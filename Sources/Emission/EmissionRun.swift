import CEmit
import Dispatch
import Histogram
import Synchronization
import Traffic

/// A run in progress: live snapshots while it goes, the result when it ends.
public final class EmissionRun: Sendable {
    /// One snapshot per `snapshotInterval`; finishes when the run ends.
    public let snapshots: AsyncStream<EmissionSnapshot>
    /// The backend in use (`.uring` or `.epoll`).
    public let backend: EmissionConfiguration.Backend
    private let engine: EngineHandle
    private let outcome: Task<EmissionResult, Never>

    init(engine: EngineHandle, configuration: EmissionConfiguration, producer: (@Sendable (EngineHandle) async -> String?)?) throws(EmissionError) {
        self.engine = engine
        self.backend = engine.backend
        let (stream, continuation) = AsyncStream<EmissionSnapshot>.makeStream(bufferingPolicy: .bufferingNewest(4096))
        self.snapshots = stream
        let interval = configuration.snapshotInterval
        let warmupSeconds = configuration.warmup.map { $0.seconds }
        if producer == nil { try engine.start() }
        self.outcome = Task {
            let collected = Mutex<[EmissionSnapshot]>([])
            async let scheduleError: String? = producer?(engine)
            // One thread of its own waits for the end and takes the snapshots in between (see
            // DedicatedThread: blocking Dispatch workers starved the cooperative pool).
            let intervalNanoseconds = max(1_000_000, Int64(interval.components.seconds) * 1_000_000_000
                + Int64(interval.components.attoseconds / 1_000_000_000))
            await withCheckedContinuation { (ended: CheckedContinuation<Void, Never>) in
                DedicatedThread.start {
                    engine.waitUntilDone(snapshotEvery: intervalNanoseconds) { snapshot in
                        collected.withLock { $0.append(snapshot) }
                        continuation.yield(snapshot)
                    }
                    ended.resume()
                }
            }
            continuation.finish()
            let error = await scheduleError
            var result = EmissionRun.collect(engine, snapshots: collected.withLock { $0 }, scheduleError: error)
            result.tcpCongestion = readCName { _ = cemit_engine_tcp_congestion(engine.pointer, $0, $1) }
            if let warmupSeconds, warmupSeconds > 0 {
                let stats = engine.stats()
                result.sendWarmup = EmissionWarmup(seconds: warmupSeconds, sent: stats.warmup_sent, completed: stats.warmup_completed,
                                                   late: stats.warmup_late, errors: stats.warmup_errors)
            }
            return result
        }
    }

    /// Waits for the end of the run and returns what it measured.
    public func result() async -> EmissionResult { await outcome.value }

    /// Stops sending now; outstanding responses still drain. `result()` then returns soon.
    public func stop() { engine.stop() }

    static func collect(_ engine: EngineHandle, snapshots: [EmissionSnapshot], scheduleError: String?) -> EmissionResult {
        let stats = engine.stats()
        var routes: [EmissionResult.Route] = []
        for (index, name) in engine.routeNames.enumerated() {
            let (completed, late, errors) = engine.routeStats(UInt32(index))
            routes.append(EmissionResult.Route(
                name: name, requests: completed, late: late, errors: errors,
                latency: engine.histogram(kind: Int32(CEMIT_HIST_LATENCY), route: UInt32(index)),
                serviceTime: engine.histogram(kind: Int32(CEMIT_HIST_SERVICE), route: UInt32(index))))
        }
        return EmissionResult(
            backend: engine.backend,
            sent: stats.sent, requests: stats.completed, faulted: stats.faulted, late: stats.late,
            errors: stats.errorCounts, statusClasses: stats.statusClassCounts,
            durationSeconds: Double(stats.send_window_ns) / 1e9,
            bytesSent: stats.bytes_sent, bytesReceived: stats.bytes_received, connections: stats.connects,
            warmupSeconds: Double(stats.warmup_ns) / 1e9, connectedAtStart: stats.connected_at_start,
            latency: engine.histogram(kind: Int32(CEMIT_HIST_LATENCY), route: UInt32.max),
            serviceTime: engine.histogram(kind: Int32(CEMIT_HIST_SERVICE), route: UInt32.max),
            sendLateness: engine.histogram(kind: Int32(CEMIT_HIST_LATENESS), route: UInt32.max),
            routes: routes, perSecond: snapshots, scheduleError: scheduleError)
    }
}

extension EmissionSnapshot {
    init(current: cemit_stats, previous: cemit_stats, seconds: Double) {
        let completed = current.completed &- previous.completed
        let latencySum = current.latency_sum_ns &- previous.latency_sum_ns
        self.init(
            elapsedSeconds: Double(current.elapsed_ns) / 1e9,
            sent: current.sent, completed: current.completed, late: current.late,
            errors: current.errorCounts,
            intervalCompleted: completed,
            intervalSent: current.sent &- previous.sent,
            intervalErrors: current.errorCounts.total &- previous.errorCounts.total,
            intervalSeconds: seconds,
            intervalMeanLatencyMicros: completed > 0 ? Double(latencySum) / Double(completed) / 1000 : 0,
            warmupSent: current.warmup_sent, warmupLate: current.warmup_late)
    }
}
