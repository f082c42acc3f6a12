import NIOCore

/// Sends mirrored requests to the secondary for one event loop, without ever making the client
/// wait: a bounded number of connections (one request each), a bounded FIFO queue in front of
/// them, a deadline per request (queue wait included) enforced by a periodic sweep, and a pause
/// after a failed connect so a dead secondary costs one refused connect per pause, not one per
/// request. Everything that does not get a complete response is counted by reason.
final class MirrorPool {
    private unowned let loop: LoopContext
    private let connector: UpstreamConnector
    private let maxConnections: Int
    private let queueCapacity: Int
    private let timeout: TimeAmount
    private let pauseAfterConnectFailure: TimeAmount
    private var idle: [UpstreamHandler] = []
    private var connecting = 0
    private var inFlight: [MirrorJob] = []
    private var queue: CircularBuffer<MirrorJob>
    private var pausedUntil = NIODeadline.uptimeNanoseconds(0)
    private var sweeper: RepeatedTask?

    init(loop: LoopContext, connector: UpstreamConnector, configuration: ShadowConfiguration) {
        self.loop = loop
        self.connector = connector
        maxConnections = configuration.mirrorConnectionsPerLoop
        queueCapacity = configuration.mirrorQueueCapacityPerLoop
        timeout = configuration.mirrorTimeout.timeAmount
        pauseAfterConnectFailure = configuration.mirrorRetryAfterConnectFailure.timeAmount
        queue = CircularBuffer(initialCapacity: 64)
    }

    /// Starts the deadline sweep (every eighth of the timeout, at least every 5 ms apart).
    func startSweeping(boundSelf: NIOLoopBound<MirrorPool>) {
        let interval = TimeAmount.nanoseconds(max(timeout.nanoseconds / 8, 5_000_000))
        sweeper = connector.eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in
            boundSelf.value.sweep()
        }
    }

    /// Copies queued or in flight.
    var outstanding: Int { queue.count + inFlight.count }

    /// Mirrors `job` as soon as a connection is free, or drops it (counted) when it cannot.
    func submit(_ job: MirrorJob) {
        if loop.isShuttingDown { return drop(job, .shutdown) }
        if NIODeadline.now() < pausedUntil { return drop(job, .connectFailed) }
        while let connection = idle.popLast() {
            if connection.isActive { return start(job, on: connection) }
        }
        guard queue.count < queueCapacity else { return drop(job, .queueFull) }
        queue.append(job)
        if connecting < queue.count && connecting + inFlight.count < maxConnections {
            openConnection()
        }
    }

    private func openConnection() {
        connecting += 1
        loop.stats.mirrorConnectionsOpened += 1
        connector.connect { [self] result in
            connecting -= 1
            switch result {
            case let .success(connection):
                give(connection)
            case .failure:
                pausedUntil = .now() + pauseAfterConnectFailure
                if inFlight.isEmpty && connecting == 0 {
                    while let job = queue.popFirst() { drop(job, .connectFailed) }
                }
            }
        }
    }

    /// A connection became free: serve the oldest live queued job or keep it idle.
    private func give(_ connection: UpstreamHandler) {
        guard connection.isActive, !loop.isShuttingDown else { return connection.close() }
        let now = NIODeadline.now()
        while let job = queue.popFirst() {
            if now - job.arrived > timeout {
                drop(job, .timeout)
                continue
            }
            return start(job, on: connection)
        }
        connection.receiver = nil
        if idle.count < maxConnections { idle.append(connection) } else { connection.close() }
    }

    private func start(_ job: MirrorJob, on connection: UpstreamHandler) {
        job.slot = inFlight.count
        inFlight.append(job)
        job.send(on: connection)
    }

    private func removeInFlight(_ job: MirrorJob) {
        let slot = job.slot
        guard slot >= 0, slot < inFlight.count, inFlight[slot] === job else { return }
        let last = inFlight.removeLast()
        if slot < inFlight.count {
            inFlight[slot] = last
            last.slot = slot
        }
        job.slot = -1
    }

    /// The secondary answered completely.
    func completed(_ job: MirrorJob) {
        removeInFlight(job)
        let latency = NIODeadline.now() - job.sent
        loop.stats.mirrorCompleted += 1
        loop.stats.secondaryStatusClasses[ShadowStats.statusClass(job.status)] += 1
        _ = loop.stats.secondaryLatencyMicros.record(UInt64(max(1, latency.nanoseconds / 1000)))
        job.exchange?.secondaryDone(.responded(status: job.status, latency: Double(latency.nanoseconds) / 1e9, bodyBytes: job.responseBytes))
        guard let connection = job.connection else { return }
        job.connection = nil
        connection.receiver = nil
        if job.keepAlive {
            give(connection)
        } else {
            connection.close()
            refill()
        }
    }

    /// The secondary failed this job (reset, or timed out by the sweep).
    func failed(_ job: MirrorJob, reason: ShadowFailure) {
        guard job.slot >= 0 else { return }
        removeInFlight(job)
        if let connection = job.connection {
            job.connection = nil
            connection.close()
        }
        drop(job, reason)
        refill()
    }

    /// Opens a connection for queued jobs when below the limit.
    private func refill() {
        if !queue.isEmpty && connecting < queue.count && connecting + inFlight.count < maxConnections
            && NIODeadline.now() >= pausedUntil
        {
            openConnection()
        }
    }

    private func drop(_ job: MirrorJob, _ reason: ShadowFailure) {
        loop.stats.mirrorDrops[reason, default: 0] += 1
        job.exchange?.secondaryDone(.failed(reason))
    }

    /// Times out jobs past their deadline, queued or in flight.
    func sweep() {
        let now = NIODeadline.now()
        while let oldest = queue.first, now - oldest.arrived > timeout {
            _ = queue.popFirst()
            drop(oldest, .timeout)
        }
        var expired: [MirrorJob] = []
        for job in inFlight where now - job.arrived > timeout { expired.append(job) }
        for job in expired { failed(job, reason: .timeout) }
    }

    /// Drops everything queued or in flight and closes all connections.
    func shutdown() {
        sweeper?.cancel()
        sweeper = nil
        while let job = queue.popFirst() { drop(job, .shutdown) }
        for job in inFlight { failed(job, reason: .shutdown) }
        for connection in idle { connection.close() }
        idle.removeAll()
    }
}
