import CoreMetrics
import NIOCore
import NIOHTTP1
import NIOPosix
import Prometheus

/// Serves the engine's own metrics in the Prometheus text format at `/metrics` during a run
/// (`--metrics-port N`).
///
/// Stages record metrics with the swift-metrics API (`Counter(label:)`, `Timer(label:)`,
/// `Gauge(label:)`…) without knowing about Prometheus; ``bootstrapMetricsSystem()`` routes those
/// into ``sharedRegistry``, which this exporter serves. The endpoint binds to loopback unless
/// configured otherwise.
///
/// ```swift
/// MetricsExporter.bootstrapMetricsSystem()
/// let exporter = MetricsExporter(configuration: .init(port: 9464))
/// let port = try await exporter.start()      // curl http://127.0.0.1:9464/metrics
/// defer { Task { try await exporter.stop() } }
/// ```
public actor MetricsExporter {
    /// Where the endpoint listens.
    public struct Configuration: Sendable, Equatable {
        /// Address to bind; loopback by default, so metrics are not exposed beyond the machine.
        public var host: String
        /// TCP port; 0 picks a free one (see the value returned by ``MetricsExporter/start()``).
        public var port: Int

        /// Creates a configuration.
        public init(host: String = "127.0.0.1", port: Int = 0) {
            self.host = host
            self.port = port
        }
    }

    /// The registry that swift-metrics feeds after ``bootstrapMetricsSystem()``.
    public static let sharedRegistry = PrometheusCollectorRegistry()

    private static let bootstrapState = BootstrapOnce()

    /// Makes swift-metrics report into ``sharedRegistry``. Safe to call more than once: only the
    /// first call bootstraps (swift-metrics allows a single bootstrap per process). Returns false
    /// if it had already been done.
    @discardableResult
    public static func bootstrapMetricsSystem() -> Bool {
        bootstrapState.run {
            MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: sharedRegistry))
        }
    }

    /// Where the endpoint listens.
    public let configuration: Configuration
    /// The registry served at `/metrics`.
    public nonisolated let registry: PrometheusCollectorRegistry
    /// Families served after the registry's (e.g. ``RunMetrics``' latency summary).
    public nonisolated let sources: [any PrometheusTextSource]
    private let group: any EventLoopGroup
    private var channel: (any Channel)?

    /// Creates an exporter (not yet listening) serving `registry` followed by `sources`.
    public init(configuration: Configuration = Configuration(), registry: PrometheusCollectorRegistry = MetricsExporter.sharedRegistry,
                sources: [any PrometheusTextSource] = [], group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.configuration = configuration
        self.registry = registry
        self.sources = sources
        self.group = group
    }

    /// The current metrics in the Prometheus text exposition format.
    public nonisolated func scrape() -> String {
        String(decoding: Self.exposition(registry: registry, sources: sources), as: UTF8.self)
    }

    /// The registry's text followed by each source's.
    static func exposition(registry: PrometheusCollectorRegistry, sources: [any PrometheusTextSource]) -> [UInt8] {
        var buffer = registry.emitToBuffer()
        for source in sources { source.emitPrometheusText(into: &buffer) }
        return buffer
    }

    /// Starts listening and returns the bound port.
    @discardableResult
    public func start() async throws -> Int {
        if let channel, let port = channel.localAddress?.port { return port }
        guard (0...65535).contains(configuration.port) else {
            throw MetricsExporterError.invalidPort(configuration.port)
        }
        let registry = self.registry
        let sources = self.sources
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(MetricsHTTPHandler(registry: registry, sources: sources))
                }
            }
        let bound: any Channel
        do {
            bound = try await bootstrap.bind(host: configuration.host, port: configuration.port).get()
        } catch {
            throw MetricsExporterError.cannotListen(host: configuration.host, port: configuration.port, reason: "\(error)")
        }
        channel = bound
        return bound.localAddress?.port ?? configuration.port
    }

    /// Stops listening. Does nothing if not started.
    public func stop() async throws {
        guard let channel else { return }
        self.channel = nil
        try await channel.close()
    }
}

/// Why the metrics endpoint could not start.
public enum MetricsExporterError: Error, Equatable, CustomStringConvertible {
    /// The port is outside 0…65535.
    case invalidPort(Int)
    /// Binding failed (port in use, address not local…).
    case cannotListen(host: String, port: Int, reason: String)

    public var description: String {
        switch self {
        case .invalidPort(let port): "--metrics-port \(port) is not a TCP port (0…65535)"
        case .cannotListen(let host, let port, let reason): "cannot serve metrics on \(host):\(port): \(reason)"
        }
    }
}
