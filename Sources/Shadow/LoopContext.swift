import NIOCore
import Traffic

/// Everything one event loop owns: its primary pool, its mirror pool, its sampler position and
/// its statistics. Only touched on that loop, so the hot path takes no locks.
final class LoopContext {
    let index: Int
    let eventLoop: any EventLoop
    let primary: PrimaryPool
    private(set) var mirror: MirrorPool?
    let sampler: MirrorSampler
    let sink: (any ShadowExchangeSink)?
    let redactor: Redactor
    let via: String?
    let mirrorMaxBodyBytes: Int
    var stats = ShadowStats()
    /// Query redaction with per-key decisions cached.
    var queries = QueryRedactor()
    /// Requests seen by this loop (the sampler's key).
    var sequence: UInt64 = 0
    /// Requests received and not yet finished.
    var activeRequests = 0
    var isShuttingDown = false

    init(
        index: Int, eventLoop: any EventLoop, configuration: ShadowConfiguration,
        primaryAddress: SocketAddress, secondaryAddress: SocketAddress?, sink: (any ShadowExchangeSink)?
    ) {
        self.index = index
        self.eventLoop = eventLoop
        primary = PrimaryPool(
            connector: UpstreamConnector(
                eventLoop: eventLoop, address: primaryAddress,
                connectTimeout: configuration.primaryConnectTimeout.timeAmount),
            maxIdle: configuration.primaryIdleConnectionsPerLoop)
        sampler = MirrorSampler(percent: configuration.mirrorPercent, seed: configuration.samplingSeed)
        self.sink = sink
        redactor = configuration.redactor
        via = configuration.addVia ? "1.1 shadowcast" : nil
        mirrorMaxBodyBytes = configuration.mirrorMaxBodyBytes
        if let secondaryAddress, configuration.mirrorPercent > 0 {
            let pool = MirrorPool(
                loop: self,
                connector: UpstreamConnector(
                    eventLoop: eventLoop, address: secondaryAddress,
                    connectTimeout: configuration.mirrorConnectTimeout.timeAmount),
                configuration: configuration)
            mirror = pool
            pool.startSweeping(boundSelf: NIOLoopBound(pool, eventLoop: eventLoop))
        }
    }

    /// Finished exchanges waiting for the next batch to the sink. Its storage is allocated once
    /// and reused (the sink copies what it accepts), so batching allocates nothing per batch on
    /// the loop and no other thread frees memory from this loop's malloc arena.
    private var batch: [ShadowExchange] = []
    static let batchSize = 256
    /// Longest wait of a finished exchange for its batch (the live profile works in steps of
    /// seconds). An offer is a short lock and a copy, never a wake-up of the consumer.
    static let batchInterval = TimeAmount.milliseconds(20)
    private var ticker: RepeatedTask?

    /// Queues a finished exchange for the sink; a full batch goes out at once.
    func deliver(_ exchange: ShadowExchange) {
        guard sink != nil else { return }
        if batch.capacity < Self.batchSize { batch.reserveCapacity(Self.batchSize) }
        batch.append(exchange)
        if batch.count >= Self.batchSize { flushExchanges() }
    }

    /// Offers the waiting exchanges to the sink, counting what it accepted and refused.
    func flushExchanges() {
        guard let sink, !batch.isEmpty else { return }
        let accepted = sink.offer(batch)
        stats.recordsEmitted += accepted
        stats.recordsDropped += batch.count - accepted
        // Keep the storage: a sink that copied what it took leaves it unshared, so this does not
        // reallocate (one that kept the array costs a new buffer here, nothing worse).
        batch.removeAll(keepingCapacity: true)
    }

    /// Flushes exchanges every `interval` (call once, on the loop).
    func startTicking(interval: TimeAmount, boundSelf: NIOLoopBound<LoopContext>) {
        ticker = eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in
            boundSelf.value.flushExchanges()
        }
    }

    /// Stops mirroring and closes idle upstream connections.
    func shutdown() {
        isShuttingDown = true
        mirror?.shutdown()
        primary.closeAll()
        ticker?.cancel()
        ticker = nil
        flushExchanges()
    }
}
