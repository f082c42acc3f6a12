import Foundation
import Histogram
import Testing
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

func getBatch(routes: [String] = ["GET /"]) -> RequestBatch {
    var batch = RequestBatch(routes: routes)
    for (index, route) in routes.enumerated() {
        let path = route.split(separator: " ").last.map(String.init) ?? "/"
        batch.append(Array("GET \(path) HTTP/1.1\r\nHost: localhost\r\n\r\n".utf8), route: UInt32(index))
    }
    return batch
}

@Suite("Emitter against loopback servers", .serialized)
struct EmitterTests {
    @Test("exactly N requests reach the sink and are counted", arguments: backends)
    func exactCount(backend: EmissionConfiguration.Backend) async throws {
        let sink = try HTTPSink()
        defer { sink.stop() }
        var configuration = EmissionConfiguration(target: .loopback(port: sink.port), model: .closed(pipeline: 4))
        configuration.backend = backend
        configuration.connections = 8
        configuration.duration = .seconds(10)
        configuration.requestLimit = 1003
        let result = try await Emitter.run(configuration, requests: getBatch())
        #expect(result.backend == backend)
        #expect(result.sent == 1003)
        #expect(result.requests == 1003)
        #expect(result.errors.total == 0)
        #expect(result.latency.totalCount == 1003)
        #expect(result.statusClasses[2] == 1003)
        #expect(sink.requestsAnswered == 1003)
        #expect(result.durationSeconds < 5)
    }

    @Test("io_uring and epoll agree on the same run", .enabled(if: uringAvailable))
    func backendsAgree() async throws {
        let sink = try HTTPSink()
        defer { sink.stop() }
        var results: [EmissionResult] = []
        for backend in [EmissionConfiguration.Backend.uring, .epoll] {
            var configuration = EmissionConfiguration(target: .loopback(port: sink.port), model: .closed(pipeline: 2))
            configuration.backend = backend
            configuration.connections = 4
            configuration.requestLimit = 500
            results.append(try await Emitter.run(configuration, requests: getBatch(routes: ["GET /a", "GET /b"])))
        }
        #expect(results.map(\.backend) == [.uring, .epoll])
        for result in results {
            #expect(result.requests == 500)
            #expect(result.errors.total == 0)
            #expect(result.routes.map(\.name) == ["GET /a", "GET /b"])
            #expect(result.routes.map(\.requests) == [250, 250])
            #expect(result.bytesReceived == results[0].bytesReceived)
        }
        #expect(sink.requestsAnswered == 1000)
    }

    @Test("the open model holds its rate", arguments: backends)
    func openRate(backend: EmissionConfiguration.Backend) async throws {
        let sink = try HTTPSink()
        defer { sink.stop() }
        var configuration = EmissionConfiguration(target: .loopback(port: sink.port), model: .constantRate(2000))
        configuration.backend = backend
        configuration.connections = 4
        configuration.duration = .seconds(1)
        configuration.snapshotInterval = .milliseconds(250)
        let run = try Emitter.start(configuration, requests: getBatch())
        var snapshots = 0
        for await _ in run.snapshots { snapshots += 1 }
        let result = await run.result()
        // The schedule fixes 2,000 requests intended within the 1 s window. On 2 shared cores some
        // may go out late (after the window, during the drain) or not at all; every one of them is
        // accounted for: sent, or counted as a timeout (never sent in time).
        #expect(result.sent <= 2000)
        #expect(result.requests + result.errors.total == 2000)
        #expect(result.durationSeconds >= 0.99 && result.durationSeconds < 2.5)
        #expect(result.sendLateness.totalCount == result.sent)
        #expect(snapshots >= 2)
        #expect(result.perSecond.count == snapshots)
    }

    @Test("a streamed schedule is sent at its timestamps, per route")
    func scheduleStream() async throws {
        let sink = try HTTPSink()
        defer { sink.stop() }
        var configuration = EmissionConfiguration(target: .loopback(port: sink.port), model: .schedule)
        configuration.connections = 2
        configuration.duration = nil
        configuration.scheduleQueueDepth = 2
        let routes = ["GET /x", "GET /y"]
        // 10 chunks × 50 requests, one every 0.5 ms: 250 ms of schedule, never all in memory.
        let chunks = AsyncStream<RequestBatch> { continuation in
            for chunk in 0..<10 {
                var batch = RequestBatch(routes: routes)
                for i in 0..<50 {
                    let n = chunk * 50 + i
                    batch.append(Array("GET /\(n % 2 == 0 ? "x" : "y") HTTP/1.1\r\nHost: l\r\n\r\n".utf8),
                                 route: UInt32(n % 2), sendAtNanos: Int64(n) * 500_000)
                }
                continuation.yield(batch)
            }
            continuation.finish()
        }
        let result = try await Emitter.run(configuration, schedule: chunks, routes: routes)
        #expect(result.sent == 500)
        #expect(result.requests == 500)
        #expect(result.routes.map(\.requests) == [250, 250])
        #expect(result.durationSeconds > 0.2 && result.durationSeconds < 2)
        #expect(sink.requestsAnswered == 500)
    }

    @Test("a closed port gives refused errors and the run ends on time", arguments: backends)
    func refused(backend: EmissionConfiguration.Backend) async throws {
        let closed = ClosedPort()
        defer { closed.release() }
        var configuration = EmissionConfiguration(target: .loopback(port: closed.port), model: .closed(pipeline: 1))
        configuration.backend = backend
        configuration.connections = 4
        configuration.duration = .milliseconds(500)
        let started = ContinuousClock.now
        let result = try await Emitter.run(configuration, requests: getBatch())
        #expect(ContinuousClock.now - started < .seconds(3))
        #expect(result.errors.refused >= 4)
        #expect(result.requests == 0)
    }

    @Test("a server that never answers gives timeouts", arguments: backends)
    func neverAnswers(backend: EmissionConfiguration.Backend) async throws {
        let server = try ScriptedServer(.neverAnswer)
        defer { server.stop() }
        var configuration = EmissionConfiguration(target: .loopback(port: server.port), model: .closed(pipeline: 1))
        configuration.backend = backend
        configuration.connections = 2
        configuration.duration = .milliseconds(800)
        configuration.requestTimeout = .milliseconds(200)
        configuration.drain = .milliseconds(100)
        let started = ContinuousClock.now
        let result = try await Emitter.run(configuration, requests: getBatch())
        #expect(ContinuousClock.now - started < .seconds(3))
        #expect(result.errors.timeout >= 2)
        #expect(result.requests == 0)
    }

    @Test("open model: requests due in the window that cannot go out are counted, not dropped", arguments: backends)
    func unsentBacklogCounted(backend: EmissionConfiguration.Backend) async throws {
        // One connection that never gets an answer: after the first request nothing can be sent.
        let server = try ScriptedServer(.neverAnswer)
        defer { server.stop() }
        var configuration = EmissionConfiguration(target: .loopback(port: server.port), model: .constantRate(500))
        configuration.backend = backend
        configuration.connections = 1
        configuration.maxConnections = 1
        configuration.duration = .milliseconds(200)
        configuration.requestTimeout = .seconds(5)
        configuration.drain = .milliseconds(200)
        let started = ContinuousClock.now
        let result = try await Emitter.run(configuration, requests: getBatch())
        #expect(ContinuousClock.now - started < .seconds(3))
        #expect(result.sent == 1)
        #expect(result.requests == 0)
        // 100 requests were intended in the window: one sent (then never answered), 99 never sent.
        #expect(result.errors.timeout == 100)
        #expect(result.late >= 99)
    }

    @Test("a server that closes mid-response is counted as closed early", arguments: backends)
    func closesMidResponse(backend: EmissionConfiguration.Backend) async throws {
        let server = try ScriptedServer(.closeMidResponse)
        defer { server.stop() }
        var configuration = EmissionConfiguration(target: .loopback(port: server.port), model: .closed(pipeline: 1))
        configuration.backend = backend
        configuration.connections = 1
        configuration.requestLimit = 5
        configuration.duration = .seconds(2)
        let result = try await Emitter.run(configuration, requests: getBatch())
        #expect(result.errors.closedEarly == 5)
        #expect(result.requests == 0)
    }

    @Test("a response to HEAD is read without a body although it carries Content-Length", arguments: backends)
    func headResponses(backend: EmissionConfiguration.Backend) async throws {
        let server = try ScriptedServer(.headAware)
        defer { server.stop() }
        var batch = RequestBatch(routes: ["HEAD /", "GET /"])
        batch.append(Array("HEAD / HTTP/1.1\r\nHost: localhost\r\n\r\n".utf8), route: 0)
        batch.append(Array("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".utf8), route: 1)
        var configuration = EmissionConfiguration(target: .loopback(port: server.port), model: .closed(pipeline: 3))
        configuration.backend = backend
        configuration.connections = 1
        configuration.requestLimit = 30
        configuration.duration = .seconds(3)
        configuration.requestTimeout = .milliseconds(500)
        let result = try await Emitter.run(configuration, requests: batch)
        #expect(result.errors.total == 0)
        #expect(result.requests == 30)
        #expect(result.routes.map(\.requests) == [15, 15])
        #expect(result.connections == 1)
        // 15 HEAD answers (headers only) and 15 GET answers (headers + 100 body bytes).
        let headers = UInt64("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n".utf8.count)
        #expect(result.bytesReceived == 30 * headers + 15 * 100)
    }

    @Test("a garbage answer is a parse error and the connection is recycled", arguments: backends)
    func garbage(backend: EmissionConfiguration.Backend) async throws {
        let server = try ScriptedServer(.garbage)
        defer { server.stop() }
        var configuration = EmissionConfiguration(target: .loopback(port: server.port), model: .closed(pipeline: 1))
        configuration.backend = backend
        configuration.connections = 1
        configuration.requestLimit = 3
        configuration.duration = .seconds(2)
        let result = try await Emitter.run(configuration, requests: getBatch())
        #expect(result.errors.parse == 3)
        #expect(result.connections >= 3)
    }

    @Test("the sink answers pipelined requests exactly on each of its backends, with several client threads", arguments: backends)
    func sinkBackends(sinkBackend: EmissionConfiguration.Backend) async throws {
        let sink = try HTTPSink(threads: 2, backend: sinkBackend)
        defer { sink.stop() }
        #expect(sink.backend == sinkBackend)
        var configuration = EmissionConfiguration(target: .loopback(port: sink.port), model: .closed(pipeline: 8))
        configuration.connections = 6
        configuration.threads = 2
        configuration.requestLimit = 2001
        let result = try await Emitter.run(configuration, requests: getBatch(routes: ["GET /a", "GET /b", "GET /c"]))
        #expect(result.requests == 2001)
        #expect(result.errors.total == 0)
        #expect(result.routes.map(\.requests).reduce(0, +) == 2001)
        #expect(sink.requestsAnswered == 2001)
        #expect(sink.connectionsAccepted == 6)
    }

    @Test("IPv6 loopback works end to end")
    func ipv6() async throws {
        guard let sink = try? HTTPSink(host: "::1") else { return } // no IPv6 loopback on this host
        defer { sink.stop() }
        var configuration = EmissionConfiguration(target: .ipv6Loopback(port: sink.port), model: .closed(pipeline: 1))
        configuration.connections = 2
        configuration.requestLimit = 50
        let result = try await Emitter.run(configuration, requests: getBatch())
        #expect(result.requests == 50)
        #expect(sink.requestsAnswered == 50)
    }

    @Test("invalid configurations are rejected with a reason")
    func invalidConfiguration() {
        var configuration = EmissionConfiguration(target: .loopback(port: 1), model: .closed(pipeline: 0))
        #expect(throws: EmissionError.self) { try configuration.validate() }
        configuration.model = .constantRate(-5)
        #expect(throws: EmissionError.self) { try configuration.validate() }
        configuration.model = .closed(pipeline: 1)
        configuration.threads = 0
        #expect(throws: EmissionError.self) { try configuration.validate() }
        var bad = RequestBatch()
        bad.arena = [1, 2]
        bad.entries = [RequestBatch.Entry(offset: 1, length: 5, route: 0)]
        configuration.threads = 1
        #expect(throws: EmissionError.self) { _ = try Emitter.start(configuration, requests: bad) }
    }
}
