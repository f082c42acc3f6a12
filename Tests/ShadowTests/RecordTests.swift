import Foundation
import NIOConcurrencyHelpers
import Testing
@testable import Shadow
import Traffic

@Suite("Records: every exchange reaches the sink, redacted")
struct RecordTests {
    @Test("secrets never appear in records; query credentials redacted; client pseudonymized; both outcomes present")
    func redacted() async throws {
        let primary = try await TestServer.start()
        let secondary = try await TestServer.start()
        defer { Task { await primary.stop(); await secondary.stop() } }
        let stream = ShadowExchangeStream(maxBatches: 16)
        try await withProxy(primary: primary, secondary: secondary, sink: stream) { proxy in
            try await TestClient.with(port: proxy.localAddress.port) { session in
                let response = try await session.request(.GET, "/cl/5?user=bob&token=SECRET-T&api_key=SECRET-K", headers: [
                    ("Authorization", "Bearer SECRET-A"), ("Cookie", "sid=SECRET-C"), ("X-Api-Key", "SECRET-X"),
                    ("User-Agent", "test-agent/1"), ("Referer", "http://example.test/page?session=SECRET-R&x=1"),
                ])
                #expect(response.status == 200)
                _ = try await session.request(.POST, "/echo", bodyParts: [Array(repeating: 0, count: 100)])
            }
        }
        var exchanges: [ShadowExchange] = []
        for await batch in stream.batches { exchanges += batch }
        try #require(exchanges.count == 2)
        let first = try #require(exchanges.first { $0.record.method == "GET" })
        #expect(first.record.path == "/cl/5")
        #expect(first.record.query == "user=bob&token=REDACTED&api_key=REDACTED")
        #expect(first.record.referrer == "http://example.test/page?session=REDACTED&x=1")
        #expect(first.record.userAgent == "test-agent/1")
        #expect(first.record.status == 200)
        #expect(first.record.responseBytes == 5)
        #expect((first.record.latency ?? 0) > 0)
        #expect(first.record.client != nil && first.record.client != "127.0.0.1")
        #expect(first.primary.status == 200)
        #expect(first.secondary?.status == 200)
        let post = try #require(exchanges.first { $0.record.method == "POST" })
        #expect(post.record.requestBytes == 100)
        // The primary itself still got the credentials (a proxy forwards them).
        #expect(primary.requests.first?.headers["Authorization"] == ["Bearer SECRET-A"])
        // Nothing secret anywhere in what was recorded.
        let encoded = String(decoding: try JSONEncoder().encode(exchanges.map(\.record)), as: UTF8.self)
        let described = exchanges.map { String(describing: $0) }.joined()
        for text in [encoded, described] {
            #expect(!text.contains("SECRET"))
            #expect(!text.contains("Bearer"))
        }
    }

    @Test("what the sink refuses is counted, never blocks")
    func sinkRefusals() async throws {
        let primary = try await TestServer.start()
        defer { Task { await primary.stop() } }
        let sink = LimitedSink(capacity: 3)
        var configuration = ShadowConfiguration(
            listen: ShadowEndpoint(host: "127.0.0.1", port: 0),
            primary: try ShadowEndpoint(url: primary.url, option: "primary"), secondary: nil)
        configuration.eventLoops = 1
        let proxy = try await ShadowProxy.start(configuration, sink: sink)
        try await TestClient.with(port: proxy.localAddress.port) { session in
            for _ in 0..<10 { _ = try await session.request(.GET, "/cl/1") }
        }
        let stats = try await proxy.shutdown()
        // Shutdown flushes the last batch before the final statistics.
        #expect(stats.recordsEmitted == 3)
        #expect(stats.recordsDropped == 7)
        #expect(sink.accepted.withLockedValue { $0 } == 3)
    }

    @Test("the stream refuses batches beyond its bound while nobody consumes")
    func streamBound() async {
        let stream = ShadowExchangeStream(maxBatches: 2)
        let exchange = ShadowExchange(record: RequestRecord(time: 0, method: "GET", path: "/"), primary: .failed(.reset), secondary: nil)
        #expect(stream.offer([exchange, exchange]) == 2)
        #expect(stream.offer([exchange]) == 1)
        #expect(stream.offer([exchange]) == 0)
        stream.finish()
        var seen = 0
        for await batch in stream.batches { seen += batch.count }
        #expect(seen == 3)
    }

    @Test("the stream copies what it accepts: the offering loop reuses its array, the consumer sees the offered exchanges")
    func streamCopies() async {
        let stream = ShadowExchangeStream(maxBatches: 8)
        func exchange(_ path: String) -> ShadowExchange {
            ShadowExchange(record: RequestRecord(time: 0, method: "GET", path: path), primary: .failed(.reset), secondary: nil)
        }
        var batch = [exchange("/a"), exchange("/b")]
        #expect(stream.offer(batch) == 2)
        // What LoopContext does after an offer: empty the array in place and refill it.
        batch.removeAll(keepingCapacity: true)
        batch.append(exchange("/c"))
        #expect(stream.offer(batch) == 1)
        batch[0] = exchange("/overwritten")
        stream.finish()
        var paths: [String] = []
        for await received in stream.batches { paths += received.map(\.record.path) }
        #expect(paths == ["/a", "/b", "/c"])
    }

    @Test("a consumer waiting on an empty stream gets later offers (polled, not woken) and ends after finish")
    func streamPolls() async throws {
        let stream = ShadowExchangeStream(maxBatches: 4, pollInterval: .milliseconds(5))
        let consumer = Task {
            var seen: [[String]] = []
            for await batch in stream.batches { seen.append(batch.map(\.record.path)) }
            return seen
        }
        let exchange = ShadowExchange(record: RequestRecord(time: 0, method: "GET", path: "/1"), primary: .failed(.reset), secondary: nil)
        try await Task.sleep(for: .milliseconds(30))  // the consumer is polling an empty mailbox
        #expect(stream.offer([exchange]) == 1)
        try await Task.sleep(for: .milliseconds(30))  // read by now: the bound counts unread offers only
        for _ in 0..<4 { #expect(stream.offer([exchange]) == 1) }
        stream.finish()
        #expect(stream.offer([exchange]) == 0)  // nothing is taken after finish
        let seen = await consumer.value
        #expect(seen.first == ["/1"])
        #expect(seen.reduce(0) { $0 + $1.count } == 5)
    }

    @Test("more exchanges than one batch: every request through the proxy arrives exactly once")
    func manyBatches() async throws {
        let primary = try await TestServer.start()
        let secondary = try await TestServer.start()
        defer { Task { await primary.stop(); await secondary.stop() } }
        let stream = ShadowExchangeStream(maxBatches: 64)
        let consumer = Task {
            var all: [ShadowExchange] = []
            for await batch in stream.batches { all += batch }
            return all
        }
        let perConnection = 300  // more than LoopContext.batchSize per loop
        let stats = try await withProxy(primary: primary, secondary: secondary, sink: stream) { proxy in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for connection in 0..<2 {
                    group.addTask {
                        try await TestClient.with(port: proxy.localAddress.port) { session in
                            for index in 0..<perConnection {
                                let response = try await session.request(.GET, "/cl/1?c=\(connection)&i=\(index)")
                                #expect(response.status == 200)
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(await eventually { (try? await proxy.activeRequests()) == 0 })
            return try await proxy.stats()
        }
        let all = await consumer.value
        #expect(all.count == 2 * perConnection)
        #expect(stats.recordsDropped == 0)
        for connection in 0..<2 {
            let indices = all.compactMap { exchange -> Int? in
                guard let query = exchange.record.query, query.hasPrefix("c=\(connection)&i=") else { return nil }
                return Int(query.dropFirst("c=\(connection)&i=".count))
            }
            // Each exchange is delivered when both its primary and its mirrored copy finished, so
            // neighbours can swap; none is lost or repeated.
            #expect(indices.sorted() == Array(0..<perConnection))
        }
        #expect(all.allSatisfy { $0.primary.status == 200 && $0.secondary?.status == 200 })
    }
}

/// Accepts the first `capacity` exchanges offered, refuses the rest.
final class LimitedSink: ShadowExchangeSink {
    let capacity: Int
    let accepted = NIOLockedValueBox(0)

    init(capacity: Int) {
        self.capacity = capacity
    }

    func offer(_ exchanges: [ShadowExchange]) -> Int {
        accepted.withLockedValue { total in
            let taken = min(exchanges.count, capacity - total)
            total += taken
            return taken
        }
    }

    func finish() {}
}
