import NIOCore
import NIOHTTP1
import NIOPosix

/// The shadow proxy: an HTTP/1.1 reverse proxy in front of a primary that mirrors sampled
/// requests to a secondary and reports every exchange, redacted, to a sink.
///
/// One event loop per core (by default); each loop owns the client connections it accepted, its
/// own keep-alive pool of primary connections and its own mirror pool, so a request never
/// crosses threads and the request path takes no locks.
///
/// ```swift
/// let records = ShadowExchangeStream()
/// let proxy = try await ShadowProxy.start(configuration, sink: records)
/// // … later
/// let stats = try await proxy.shutdown()
/// ```
public actor ShadowProxy {
    /// The configuration the proxy runs with.
    public nonisolated let configuration: ShadowConfiguration
    /// Where the proxy listens (with the real port when port 0 was asked for).
    public nonisolated let localAddress: ShadowEndpoint
    private let group: MultiThreadedEventLoopGroup
    private let serverChannel: any Channel
    private let loops: [NIOLoopBound<LoopContext>]
    private let sink: (any ShadowExchangeSink)?
    private var finalStats: ShadowStats?

    private init(
        configuration: ShadowConfiguration, localAddress: ShadowEndpoint, group: MultiThreadedEventLoopGroup,
        serverChannel: any Channel, loops: [NIOLoopBound<LoopContext>], sink: (any ShadowExchangeSink)?
    ) {
        self.configuration = configuration
        self.localAddress = localAddress
        self.group = group
        self.serverChannel = serverChannel
        self.loops = loops
        self.sink = sink
    }

    /// Validates the configuration, resolves the upstreams, binds the listener and starts serving.
    public static func start(
        _ configuration: ShadowConfiguration, sink: (any ShadowExchangeSink)? = nil
    ) async throws -> ShadowProxy {
        try configuration.validate()
        let primaryAddress = try configuration.primary.resolve()
        let secondaryAddress = try configuration.secondary?.resolve()
        let group = MultiThreadedEventLoopGroup(numberOfThreads: configuration.eventLoops)
        do {
            var loops: [NIOLoopBound<LoopContext>] = []
            for (index, eventLoop) in group.makeIterator().enumerated() {
                loops.append(
                    try await eventLoop.submit {
                        let bound = NIOLoopBound(
                            LoopContext(
                                index: index, eventLoop: eventLoop, configuration: configuration,
                                primaryAddress: primaryAddress, secondaryAddress: secondaryAddress, sink: sink),
                            eventLoop: eventLoop)
                        if sink != nil { bound.value.startTicking(interval: LoopContext.batchInterval, boundSelf: bound) }
                        return bound
                    }.get())
            }
            var byLoop: [ObjectIdentifier: NIOLoopBound<LoopContext>] = [:]
            for loop in loops { byLoop[ObjectIdentifier(loop.eventLoop)] = loop }
            let contexts = byLoop

            let serverChannel = try await ServerBootstrap(group: group)
                .serverChannelOption(.backlog, value: 1024)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
                .childChannelOption(.maxMessagesPerRead, value: 16)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        guard let bound = contexts[ObjectIdentifier(channel.eventLoop)] else {
                            throw ShadowProxyError.unknownEventLoop
                        }
                        let loop = bound.value
                        guard !loop.isShuttingDown else { throw ShadowProxyError.shuttingDown }
                        let pipeline = channel.pipeline.syncOperations
                        try pipeline.configureHTTPServerPipeline(
                            withPipeliningAssistance: true, withErrorHandling: true,
                            withOutboundHeaderValidation: false)
                        try pipeline.addHandler(ProxyHandler(loop: loop))
                    }
                }
                .bind(host: configuration.listen.host, port: configuration.listen.port)
                .get()
            let bound = serverChannel.localAddress
            let localAddress = ShadowEndpoint(
                host: bound?.ipAddress ?? configuration.listen.host, port: bound?.port ?? configuration.listen.port)
            return ShadowProxy(
                configuration: configuration, localAddress: localAddress, group: group,
                serverChannel: serverChannel, loops: loops, sink: sink)
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    /// Statistics so far, summed over the event loops (the final ones after shutdown).
    public func stats() async throws -> ShadowStats {
        if let finalStats { return finalStats }
        return try await Self.collect(loops)
    }

    private static func collect(_ loops: [NIOLoopBound<LoopContext>]) async throws -> ShadowStats {
        var total = ShadowStats()
        for loop in loops {
            total.add(try await loop.eventLoop.submit { loop.value.stats }.get())
        }
        return total
    }

    /// Requests received and not finished, plus mirror copies queued or in flight, over all loops.
    public func activeRequests() async throws -> Int {
        var total = 0
        for loop in loops {
            total += try await loop.eventLoop.submit { loop.value.activeRequests + (loop.value.mirror?.outstanding ?? 0) }.get()
        }
        return total
    }

    /// Stops accepting, lets requests in progress finish for up to `drainTimeout`, drops the
    /// mirror queue, closes every connection, finishes the sink and returns the final statistics.
    /// Calling it again returns the same statistics.
    @discardableResult
    public func shutdown(drainTimeout: Duration = .seconds(5)) async throws -> ShadowStats {
        if let finalStats { return finalStats }
        try? await serverChannel.close()
        let clock = ContinuousClock()
        let deadline = clock.now + drainTimeout
        while clock.now < deadline, try await activeRequests() > 0 {
            try? await Task.sleep(for: .milliseconds(10))
        }
        for loop in loops {
            try await loop.eventLoop.submit { loop.value.shutdown() }.get()
        }
        let stats = try await Self.collect(loops)
        finalStats = stats
        try await group.shutdownGracefully()
        sink?.finish()
        return stats
    }
}

/// Errors from the proxy's own machinery (not from configuration).
public enum ShadowProxyError: Error, Sendable, Hashable {
    /// A connection was accepted on an event loop the proxy does not own.
    case unknownEventLoop
    /// A connection arrived while shutting down.
    case shuttingDown
}
