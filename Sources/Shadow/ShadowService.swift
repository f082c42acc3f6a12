import Logging
import ServiceLifecycle

/// Runs a started proxy under swift-service-lifecycle: SIGINT and SIGTERM (and the optional
/// duration) trigger a graceful shutdown; returns the final statistics.
public enum ShadowRunner {
    /// Serves until a signal arrives or `duration` passes, then shuts the proxy down gracefully.
    ///
    /// `alongside` run in the same group (e.g. the predictive loop): on shutdown they are asked
    /// to stop first (reverse order of start), then the proxy drains. One of them ending on its
    /// own shuts the whole group down gracefully.
    public static func run(
        _ proxy: ShadowProxy, duration: Duration? = nil, drainTimeout: Duration = .seconds(5),
        alongside: [any Service] = [], logger: Logger
    ) async throws -> ShadowStats {
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: ProxyService(proxy: proxy, drainTimeout: drainTimeout))
        ]
        for service in alongside {
            services.append(.init(service: service, successTerminationBehavior: .gracefullyShutdownGroup))
        }
        if let duration {
            services.append(.init(service: DeadlineService(duration: duration), successTerminationBehavior: .gracefullyShutdownGroup))
        }
        let group = ServiceGroup(
            configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        return try await proxy.shutdown(drainTimeout: drainTimeout)
    }
}

/// Keeps the proxy serving until graceful shutdown, then drains it.
struct ProxyService: Service {
    let proxy: ShadowProxy
    let drainTimeout: Duration

    func run() async throws {
        try? await gracefulShutdown()
        try await proxy.shutdown(drainTimeout: drainTimeout)
    }
}

/// Ends the run after a fixed duration (`--duration`).
struct DeadlineService: Service {
    let duration: Duration

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            try await Task.sleep(for: duration)
        }
    }
}
