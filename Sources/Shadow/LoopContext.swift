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

    /// Hands a finished exchange to the sink, counting refusals.
    func deliver(_ exchange: ShadowExchange) {
        guard let sink else { return }
        if sink.offer(exchange) {
            stats.recordsEmitted += 1
        } else {
            stats.recordsDropped += 1
        }
    }

    /// Stops mirroring and closes idle upstream connections.
    func shutdown() {
        isShuttingDown = true
        mirror?.shutdown()
        primary.closeAll()
    }
}
