#if canImport(Glibc)
import Glibc
#endif
import Foundation
import TestSupport
import Synchronization
import Testing
import Traffic
@testable import Emission

/// The closed model over a pushed stream (`.closedStream`, `CEMIT_MODE_STREAM_CLOSED`).
@Suite("Closed model over a stream of batches", .serialized)
struct ClosedStreamTests {
    /// `count` distinct `GET /r<n>` requests in chunks of `chunk`, alternating two routes, with
    /// send times far apart (1 s each) that the closed model must ignore.
    static func stream(count: Int, chunk: Int, pause: Duration? = nil) -> AsyncStream<RequestBatch> {
        AsyncStream { continuation in
            let task = Task {
                var n = 0
                while n < count {
                    var batch = RequestBatch(routes: routes)
                    for _ in 0..<min(chunk, count - n) {
                        batch.append(request(n), route: UInt32(n % 2), sendAtNanos: Int64(n) * 1_000_000_000)
                        n += 1
                    }
                    continuation.yield(batch)
                    if let pause { try? await Task.sleep(for: pause) }
                }
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    static let routes = ["GET /even", "GET /odd"]

    static func request(_ n: Int) -> [UInt8] { Array("GET /r\(n) HTTP/1.1\r\nHost: l\r\n\r\n".utf8) }

    static func configuration(port: UInt16, backend: EmissionConfiguration.Backend, connections: Int, pipeline: Int) -> EmissionConfiguration {
        var configuration = loopbackConfiguration(port: port, model: .closedStream(pipeline: pipeline), backend: backend, connections: connections)
        configuration.duration = .seconds(10)
        configuration.scheduleQueueDepth = 3
        return configuration
    }

    @Test("exactly the stream's N requests reach the sink, at once, whatever their send times", arguments: backends)
    func exactCount(backend: EmissionConfiguration.Backend) async throws {
        let sink = try HTTPSink()
        defer { sink.stop() }
        let configuration = Self.configuration(port: sink.port, backend: backend, connections: 8, pipeline: 4)
        let started = ContinuousClock.now
        let result = try await Emitter.run(configuration, schedule: Self.stream(count: 1003, chunk: 100), routes: Self.routes)
        // The entries' times span 1,002 s: sent at once, the run ends with the stream.
        #expect(ContinuousClock.now - started < .seconds(5))
        #expect(result.backend == backend)
        #expect(result.sent == 1003)
        #expect(result.requests == 1003)
        #expect(result.errors.total == 0)
        #expect(result.late == 0)
        #expect(result.sendLateness.totalCount == 0)
        #expect(result.routes.map(\.requests) == [502, 501])
        #expect(sink.requestsAnswered == 1003)
        #expect(result.durationSeconds < 5)
    }

    @Test("one connection sends the stream's bytes in stream order, pipelined", arguments: backends)
    func streamOrder(backend: EmissionConfiguration.Backend) async throws {
        let server = try RecordingAnswerServer()
        defer { server.stop() }
        let configuration = Self.configuration(port: server.port, backend: backend, connections: 1, pipeline: 3)
        let result = try await Emitter.run(configuration, schedule: Self.stream(count: 200, chunk: 7), routes: Self.routes)
        #expect(result.requests == 200)
        #expect(result.errors.total == 0)
        let expected = (0..<200).flatMap(Self.request)
        let recorded = server.connections
        #expect(recorded.count == 1)
        let inOrder = recorded.first == expected
        #expect(inOrder, "the recorded bytes are not the stream in order (\(recorded.first?.count ?? 0) of \(expected.count) bytes)")
    }

    @Test("the request limit stops a closed stream exactly", arguments: backends)
    func requestLimit(backend: EmissionConfiguration.Backend) async throws {
        let sink = try HTTPSink()
        defer { sink.stop() }
        var configuration = Self.configuration(port: sink.port, backend: backend, connections: 4, pipeline: 2)
        configuration.requestLimit = 301
        let result = try await Emitter.run(configuration, schedule: Self.stream(count: 5000, chunk: 64), routes: Self.routes)
        #expect(result.sent == 301)
        #expect(result.requests == 301)
        #expect(sink.requestsAnswered == 301)
    }

    @Test("connections waiting for a slow producer are fed when its chunks arrive; two threads share the stream", arguments: backends)
    func slowProducer(backend: EmissionConfiguration.Backend) async throws {
        let sink = try HTTPSink()
        defer { sink.stop() }
        var configuration = Self.configuration(port: sink.port, backend: backend, connections: 4, pipeline: 1)
        configuration.threads = 2
        let result = try await Emitter.run(
            configuration, schedule: Self.stream(count: 120, chunk: 10, pause: .milliseconds(15)), routes: Self.routes)
        #expect(result.sent == 120)
        #expect(result.requests == 120)
        #expect(result.errors.total == 0)
        #expect(sink.requestsAnswered == 120)
    }

    @Test("a dead target gives refused errors and the run ends on time", arguments: backends)
    func deadTarget(backend: EmissionConfiguration.Backend) async throws {
        let closed = try ClosedPort()
        defer { closed.release() }
        var configuration = Self.configuration(port: closed.port, backend: backend, connections: 4, pipeline: 1)
        configuration.duration = .milliseconds(500)
        let started = ContinuousClock.now
        let result = try await Emitter.run(configuration, schedule: Self.stream(count: 100_000, chunk: 1000), routes: Self.routes)
        #expect(ContinuousClock.now - started < .seconds(3))
        #expect(result.errors.refused >= 4)
        #expect(result.requests == 0)
        #expect(result.sent == 0)
    }

    @Test("a target that never answers gives timeouts and the run ends on time", arguments: backends)
    func neverAnswers(backend: EmissionConfiguration.Backend) async throws {
        let server = try ScriptedServer(.neverAnswer)
        defer { server.stop() }
        var configuration = Self.configuration(port: server.port, backend: backend, connections: 2, pipeline: 1)
        configuration.duration = .milliseconds(800)
        configuration.requestTimeout = .milliseconds(200)
        configuration.drain = .milliseconds(100)
        let started = ContinuousClock.now
        let result = try await Emitter.run(configuration, schedule: Self.stream(count: 100_000, chunk: 1000), routes: Self.routes)
        #expect(ContinuousClock.now - started < .seconds(3))
        #expect(result.errors.timeout >= 2)
        #expect(result.requests == 0)
    }

    @Test("the closed stream takes a stream, not a batch; its report says closed")
    func modelChecks() throws {
        var configuration = EmissionConfiguration(target: .loopback(port: 9), model: .closedStream(pipeline: 0))
        #expect(throws: EmissionError.self) { try configuration.validate() }
        configuration.model = .closedStream(pipeline: 2)
        configuration.duration = nil
        try configuration.validate() // the end of the stream ends the run
        #expect(throws: EmissionError.self) { try Emitter.start(configuration, requests: getBatch()) }
        #expect(configuration.model.isStreamed && EmissionConfiguration.Model.schedule.isStreamed)
        #expect(!EmissionConfiguration.Model.closed(pipeline: 1).isStreamed)
    }
}

/// A loopback server recording every connection's bytes and answering each request head
/// (`\r\n\r\n`; the requests have no body) with a 2-byte `200 OK`.
final class RecordingAnswerServer: Sendable {
    let port: UInt16
    private let listener: Int32
    private let stopping = StopFlag()
    private final class Recorded: Sendable {
        let bytes = Mutex<[Int32: [UInt8]]>([:])
    }
    private let recorded = Recorded()

    /// Bytes received per connection, in accept order.
    var connections: [[UInt8]] { recorded.bytes.withLock { $0.sorted { $0.key < $1.key }.map(\.value) } }

    init() throws {
        let (fd, port) = try LoopbackSocket.bind()
        self.port = port
        listener = fd
        let stopping = self.stopping
        let recorded = self.recorded
        Thread {
            var pollSet = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0)]
            var buffer = [UInt8](repeating: 0, count: 65536)
            var scanned: [Int32: Int] = [:] // where the search for the next head resumes
            var sequence: Int32 = 0
            var keys: [Int32: Int32] = [:]
            let answer = Array("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".utf8)
            while !stopping.isSet {
                for i in pollSet.indices { pollSet[i].revents = 0 }
                guard poll(&pollSet, nfds_t(pollSet.count), 20) > 0 else { continue }
                if pollSet[0].revents != 0 {
                    let client = accept(fd, nil, nil)
                    if client >= 0 {
                        pollSet.append(pollfd(fd: client, events: Int16(POLLIN), revents: 0))
                        keys[client] = sequence
                        sequence += 1
                    }
                }
                for i in pollSet.indices.dropFirst() where pollSet[i].revents != 0 && pollSet[i].fd >= 0 {
                    let client = pollSet[i].fd
                    let n = read(client, &buffer, buffer.count)
                    if n <= 0 { close(client); pollSet[i].fd = -1; continue }
                    let key = keys[client] ?? -1
                    // Count the request heads completed by these bytes (a head may span reads).
                    let all = recorded.bytes.withLock { state -> [UInt8] in
                        state[key, default: []] += buffer[0..<n]
                        return state[key]!
                    }
                    var heads = 0
                    var position = scanned[client, default: 0]
                    while position + 3 < all.count {
                        if all[position] == 13, all[position + 1] == 10, all[position + 2] == 13, all[position + 3] == 10 {
                            heads += 1
                            position += 4
                        } else {
                            position += 1
                        }
                    }
                    scanned[client] = position
                    let reply = Array([[UInt8]](repeating: answer, count: heads).joined())
                    if !reply.isEmpty { _ = reply.withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } }
                }
            }
            for pfd in pollSet.dropFirst() where pfd.fd >= 0 { close(pfd.fd) }
        }.start()
    }

    func stop() {
        stopping.set()
        usleep(50_000)
        close(listener)
    }
}
