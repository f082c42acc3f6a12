import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle

/// The Lab as a running HTTP/1.1 service (SwiftNIO), usable as a swift-service-lifecycle
/// `Service` or started and stopped by hand.
///
/// Endpoints: the spec's routes; `GET /metrics` (Prometheus text); `GET /admin/instances`;
/// `POST /admin/instances?count=N` (scale now).
public final class LabServer: Service, Sendable {
    /// Where and how to listen.
    public struct Configuration: Sendable {
        /// Address to bind (loopback by default).
        public var host: String
        /// Port; 0 picks a free one.
        public var port: Int
        /// Seconds `stop()` waits for requests in flight before closing.
        public var drainTimeout: Double

        /// Creates a configuration.
        public init(host: String = "127.0.0.1", port: Int = 8081, drainTimeout: Double = 2) {
            self.host = host
            self.port = port
            self.drainTimeout = drainTimeout
        }
    }

    /// The simulated service.
    public let spec: LabSpec
    /// The listening configuration.
    public let configuration: Configuration
    private let core: LabCore
    private let logger: Logger
    private let channel = NIOLockedValueBox<(any Channel)?>(nil)
    private let connections = NIOLockedValueBox<[ObjectIdentifier: any Channel]>([:])

    /// Creates a server (not yet listening).
    public init(spec: LabSpec, configuration: Configuration = Configuration(), logger: Logger = Logger(label: "shadowcast.lab")) {
        self.spec = spec
        self.configuration = configuration
        self.core = LabCore(spec: spec, logger: logger)
        self.logger = logger
    }

    /// Binds and starts serving; returns the bound port.
    @discardableResult
    public func start() async throws -> Int {
        let core = self.core
        let connections = self.connections
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                let id = ObjectIdentifier(channel)
                connections.withLockedValue { $0[id] = channel }
                channel.closeFuture.whenComplete { _ in _ = connections.withLockedValue { $0.removeValue(forKey: id) } }
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(LabHTTPHandler(core: core))
                }
            }
        let bound = try await bootstrap.bind(host: configuration.host, port: configuration.port).get()
        channel.withLockedValue { $0 = bound }
        let port = bound.localAddress?.port ?? configuration.port
        logger.info("lab listening", metadata: [
            "spec": "\(spec.name)", "address": "\(configuration.host):\(port)", "instances": "\(spec.instances)",
            "capacity_rps": "\(Int(spec.configuredCapacity))",
        ])
        return port
    }

    /// The bound port, once started.
    public var port: Int? { channel.withLockedValue { $0?.localAddress?.port } }

    /// Active instances.
    public var instances: Int { core.instances }

    /// Changes the number of active instances now (new ones take queued work at once; removed
    /// ones finish what they hold).
    public func setInstances(_ count: Int) {
        core.setInstances(count)
    }

    /// The `/metrics` text now.
    public func metricsText() -> String { core.exposition() }

    /// Stops accepting connections, waits up to `drainTimeout` for requests in flight, then
    /// closes every connection.
    public func stop() async throws {
        guard let bound = channel.withLockedValue({ channel -> (any Channel)? in
            defer { channel = nil }
            return channel
        }) else { return }
        try? await bound.close()
        let deadline = ContinuousClock.now + .milliseconds(Int(configuration.drainTimeout * 1000))
        while core.inFlight > 0 && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        for connection in connections.withLockedValue({ Array($0.values) }) {
            try? await connection.close()
        }
        logger.info("lab stopped", metadata: ["in_flight_abandoned": "\(core.inFlight)"])
    }

    /// `Service` conformance: serves until graceful shutdown or cancellation, then stops.
    public func run() async throws {
        try await start()
        try? await gracefulShutdown()
        try await stop()
    }
}
