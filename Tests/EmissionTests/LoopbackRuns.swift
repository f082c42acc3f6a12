import Traffic
@testable import Emission

/// True when this kernel lets us set up io_uring (otherwise the uring-only cases are skipped and
/// everything runs through epoll).
let uringAvailable: Bool = {
    guard let sink = try? HTTPSink(backend: .uring) else { return false }
    sink.stop()
    return true
}()

/// Backends to run the behaviour tests with: epoll always, io_uring when the kernel allows it.
let backends: [EmissionConfiguration.Backend] = uringAvailable ? [.uring, .epoll] : [.epoll]

/// One `GET <path>` request per route, in route order.
func getBatch(routes: [String] = ["GET /"]) -> RequestBatch {
    var batch = RequestBatch(routes: routes)
    for (index, route) in routes.enumerated() {
        let path = route.split(separator: " ").last.map(String.init) ?? "/"
        batch.append(Array("GET \(path) HTTP/1.1\r\nHost: localhost\r\n\r\n".utf8), route: UInt32(index))
    }
    return batch
}

/// `model` against 127.0.0.1:`port` on `backend` over `connections` connections; the rest as
/// `EmissionConfiguration` sets it by default.
func loopbackConfiguration(
    port: UInt16, model: EmissionConfiguration.Model, backend: EmissionConfiguration.Backend, connections: Int
) -> EmissionConfiguration {
    var configuration = EmissionConfiguration(target: .loopback(port: port), model: model)
    configuration.backend = backend
    configuration.connections = connections
    return configuration
}

/// Runs `configuration` with `getBatch()` and also returns how long the whole run took.
func timedRun(_ configuration: EmissionConfiguration) async throws -> (result: EmissionResult, elapsed: Duration) {
    let started = ContinuousClock.now
    let result = try await Emitter.run(configuration, requests: getBatch())
    return (result, ContinuousClock.now - started)
}

/// Against a `HandshakeBlackhole`: `connections` that never connect (and no more opened), a
/// 300 ms connect and request timeout, a 200 ms send window and a 100 ms drain.
func blackholeConfiguration(
    port: UInt16, model: EmissionConfiguration.Model, backend: EmissionConfiguration.Backend = .auto, connections: Int
) -> EmissionConfiguration {
    var configuration = loopbackConfiguration(port: port, model: model, backend: backend, connections: connections)
    configuration.maxConnections = connections
    configuration.duration = .milliseconds(200)
    configuration.connectTimeout = .milliseconds(300)
    configuration.requestTimeout = .milliseconds(300)
    configuration.drain = .milliseconds(100)
    return configuration
}
