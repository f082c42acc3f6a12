import Testing
import Traffic
@testable import Emission

@Suite("Fault flags", .serialized)
struct FaultFlagTests {
    func batch(flags: RequestFlags) -> RequestBatch {
        var batch = RequestBatch(routes: ["GET /"])
        batch.append(Array("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".utf8), route: 0, flags: flags.rawValue)
        return batch
    }

    @Test("flags encode and decode", arguments: [RequestFlags.reset, .abandon, .drip(milliseconds: 300)])
    func encoding(flags: RequestFlags) {
        let decoded = RequestFlags(rawValue: flags.rawValue)
        #expect(decoded == flags)
        #expect(RequestFlags.drip(milliseconds: 300).dripMilliseconds == 300)
        #expect(RequestFlags.reset.resets && !RequestFlags.reset.abandons && RequestFlags.reset.dripMilliseconds == nil)
    }

    @Test("reset and abandon send, then drop the connection: counted as faulted", arguments: backends, [RequestFlags.reset, .abandon])
    func dropsConnection(backend: EmissionConfiguration.Backend, flags: RequestFlags) async throws {
        let sink = try HTTPSink()
        defer { sink.stop() }
        var configuration = loopbackConfiguration(port: sink.port, model: .closed(pipeline: 1), backend: backend, connections: 1)
        configuration.requestLimit = 5
        let result = try await Emitter.run(configuration, requests: batch(flags: flags))
        #expect(result.sent == 5)
        #expect(result.faulted == 5)
        #expect(result.requests == 0)
        #expect(result.errors.total == 0)
        #expect(result.connections >= 5)
    }

    @Test("drip spreads the request over its duration", arguments: backends)
    func drip(backend: EmissionConfiguration.Backend) async throws {
        let sink = try HTTPSink()
        defer { sink.stop() }
        var configuration = loopbackConfiguration(port: sink.port, model: .closed(pipeline: 1), backend: backend, connections: 1)
        configuration.requestLimit = 3
        let result = try await Emitter.run(configuration, requests: batch(flags: .drip(milliseconds: 40)))
        #expect(result.requests == 3)
        #expect(result.errors.total == 0)
        #expect(result.serviceTime.min >= 30_000) // µs: at least ~40 ticks of 1 ms
        #expect(sink.requestsAnswered == 3)
    }
}
