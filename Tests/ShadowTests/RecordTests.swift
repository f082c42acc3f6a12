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
