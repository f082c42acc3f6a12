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

    /// Finished exchanges waiting for the next batch to the sink.
    private var batch: [ShadowExchange] = []
    static let batchSize = 256
    /// Longest wait of a finished exchange for its batch. 20 ms (was 5 ms): a quarter of the
    /// consumer wake-ups at low rates, where each wake-up of the consumer's thread competes with
    /// the event loops for the same cores; the live profile works in steps of seconds.
    static let batchInterval = TimeAmount.milliseconds(20)
    private var ticker: RepeatedTask?

    /// Queues a finished exchange for the sink; a full batch goes out at once.
    func deliver(_ exchange: ShadowExchange) {
        guard sink != nil else { return }
        if batch.isEmpty { batch.reserveCapacity(Self.batchSize) }
        batch.append(exchange)
        if batch.count >= Self.batchSize { flushExchanges() }
    }

    /// Offers the waiting exchanges to the sink, counting what it accepted and refused.
    func flushExchanges() {
        guard let sink, !batch.isEmpty else { return }
        let accepted = sink.offer(batch)
        stats.recordsEmitted += accepted
        stats.recordsDropped += batch.count - accepted
        // The sink holds the array now: start a new one (emptying this one in place would copy it).
        batch = []
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
