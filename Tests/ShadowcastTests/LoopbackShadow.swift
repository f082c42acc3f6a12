import Shadowcast

/// A primary and a secondary `HTTPSink` on loopback for a shadow proxy under test.
struct LoopbackUpstreams {
    let primary: HTTPSink
    let secondary: HTTPSink

    init() throws {
        primary = try HTTPSink(host: "127.0.0.1", port: 0)
        do { secondary = try HTTPSink(host: "127.0.0.1", port: 0) } catch { primary.stop(); throw error }
    }

    /// A proxy between the two sinks, listening on an ephemeral loopback port, one event loop.
    var proxyConfiguration: ShadowConfiguration {
        var configuration = ShadowConfiguration(
            listen: ShadowEndpoint(host: "127.0.0.1", port: 0), primary: ShadowEndpoint(host: "127.0.0.1", port: Int(primary.port)),
            secondary: ShadowEndpoint(host: "127.0.0.1", port: Int(secondary.port)))
        configuration.eventLoops = 1
        return configuration
    }

    func stop() {
        primary.stop()
        secondary.stop()
    }
}

/// Clients of `proxy`: `requests` × `GET /items/1` over two closed-model connections, stopping at
/// `deadline` at the latest.
func proxyClients(of proxy: ShadowProxy, requests: Int, deadline: Duration) -> (EmissionConfiguration, RequestBatch) {
    var load = EmissionConfiguration(target: .loopback(port: UInt16(proxy.localAddress.port)), model: .closed(pipeline: 1))
    load.connections = 2
    load.requestLimit = requests
    load.duration = deadline
    var batch = RequestBatch(routes: ["GET /"])
    batch.append(Array("GET /items/1 HTTP/1.1\r\nHost: shop.test\r\n\r\n".utf8), route: 0)
    return (load, batch)
}
