import Foundation
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
        let stream = ShadowExchangeStream(bufferSize: 16)
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
        for await exchange in stream.exchanges { exchanges.append(exchange) }
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

    @Test("a full sink buffer drops and counts, never blocks")
    func sinkOverflow() async throws {
        let primary = try await TestServer.start()
        defer { Task { await primary.stop() } }
        let stream = ShadowExchangeStream(bufferSize: 3)
        let stats = try await withProxy(primary: primary, secondary: nil, sink: stream) { proxy in
            try await TestClient.with(port: proxy.localAddress.port) { session in
                for _ in 0..<10 { _ = try await session.request(.GET, "/cl/1") }
            }
            return try await proxy.stats()
        }
        // bufferingNewest: every offer is accepted, older ones are evicted; the consumer sees 3.
        var seen = 0
        for await _ in stream.exchanges { seen += 1 }
        #expect(seen == 3)
        #expect(stats.recordsEmitted + stats.recordsDropped == 10)
    }
}
