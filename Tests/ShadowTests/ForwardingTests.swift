import NIOHTTP1
import Testing
@testable import Shadow

@Suite("Forwarding: what the client gets is the primary's response")
struct ForwardingTests {
    /// Requests covering content-length, chunked, empty, HEAD, 204, 304, 404 and a streamed POST.
    static let cases: [(HTTPMethod, String, [[UInt8]])] = [
        (.GET, "/cl/0", []),
        (.GET, "/cl/10", []),
        (.GET, "/cl/300000", []),
        (.GET, "/chunked/5000", []),
        (.HEAD, "/cl/10", []),
        (.HEAD, "/chunked/99", []),
        (.GET, "/status/204", []),
        (.GET, "/status/304", []),
        (.GET, "/status/404", []),
        (.POST, "/echo", [Array(repeating: 7, count: 70_000), Array(repeating: 9, count: 70_000), [1, 2, 3]]),
        (.PUT, "/echo?x=1", [Array("hello".utf8)]),
        (.GET, "/cl/7?q=1", []),
    ]

    @Test("responses are identical to the primary's (status, end-to-end headers in order, body), over one kept-alive connection")
    func identicalResponses() async throws {
        let primary = try await TestServer.start()
        defer { Task { await primary.stop() } }
        let direct = try await TestClient.with(port: primary.port) { session in
            var responses: [TestResponse] = []
            for (method, uri, body) in Self.cases { responses.append(try await session.request(method, uri, bodyParts: body)) }
            return responses
        }
        let directConnections = primary.connectionCount
        let proxied = try await withProxy(primary: primary, secondary: nil) { proxy in
            try await TestClient.with(port: proxy.localAddress.port) { session in
                var responses: [TestResponse] = []
                // Twice through the list on one client connection: keep-alive on both sides.
                for _ in 0..<2 {
                    for (method, uri, body) in Self.cases { responses.append(try await session.request(method, uri, bodyParts: body)) }
                }
                return responses
            }
        }
        #expect(proxied.count == 2 * direct.count)
        for (index, response) in proxied.enumerated() {
            let expected = direct[index % direct.count]
            let label = "\(Self.cases[index % direct.count].0) \(Self.cases[index % direct.count].1)"
            #expect(response.status == expected.status, "\(label)")
            #expect(response.endToEndHeaders.filter { !$0.hasPrefix("X-Resp-Hop") } == expected.endToEndHeaders.filter { !$0.hasPrefix("X-Resp-Hop") }, "\(label)")
            #expect(response.body == expected.body, "\(label)")
            #expect(response.head.headers["X-Resp-Hop"].isEmpty, "hop-by-hop header named by Connection must be removed: \(label)")
        }
        // Chunked stays chunked, content-length stays content-length.
        let chunked = proxied[3]
        #expect(chunked.head.headers["transfer-encoding"] == ["chunked"])
        #expect(chunked.body == TestServer.body(5000))
        #expect(proxied[2].head.headers["content-length"] == ["300000"])
        #expect(proxied[4].body.isEmpty && proxied[4].head.headers["content-length"] == ["10"])
        // All 24 proxied requests rode one upstream connection (one request in flight at a time).
        #expect(primary.connectionCount - directConnections == 1)
        #expect(primary.requestCount == 3 * Self.cases.count)
    }

    @Test("hop-by-hop request headers are removed and X-Forwarded-For is appended")
    func requestHeaders() async throws {
        let primary = try await TestServer.start()
        defer { Task { await primary.stop() } }
        try await withProxy(primary: primary, secondary: nil, configure: { $0.addVia = true }) { proxy in
            try await TestClient.with(port: proxy.localAddress.port) { session in
                let response = try await session.request(.GET, "/cl/3", headers: [
                    ("Connection", "keep-alive, X-Hop"), ("X-Hop", "secret-hop"), ("Keep-Alive", "timeout=5"),
                    ("TE", "trailers"), ("Proxy-Connection", "keep-alive"), ("Upgrade", "h2c"),
                    ("X-Forwarded-For", "10.0.0.1"), ("X-End-To-End", "kept"),
                ])
                #expect(response.status == 200)
                #expect(response.head.headers["Via"] == ["1.1 shadowcast"])
            }
        }
        let seen = try #require(primary.requests.last)
        for name in ["Connection", "X-Hop", "Keep-Alive", "TE", "Proxy-Connection", "Upgrade", "Transfer-Encoding"] {
            #expect(seen.headers[name].isEmpty, "\(name) must not be forwarded")
        }
        #expect(seen.headers["X-End-To-End"] == ["kept"])
        #expect(seen.headers["X-Forwarded-For"] == ["10.0.0.1, 127.0.0.1"])
        #expect(seen.headers["Via"] == ["1.1 shadowcast"])
        #expect(seen.headers["Host"] == ["test"])
    }

    @Test("a client's Connection: close is honoured after the response")
    func connectionClose() async throws {
        let primary = try await TestServer.start()
        defer { Task { await primary.stop() } }
        try await withProxy(primary: primary, secondary: nil) { proxy in
            try await TestClient.with(port: proxy.localAddress.port) { session in
                let response = try await session.request(.GET, "/cl/5", headers: [("Connection", "close")])
                #expect(response.body == TestServer.body(5))
                #expect(response.head.headers["connection"] == ["close"])
                // The proxy closes: the next read sees the end of the stream.
                #expect(try await session.inbound.next() == nil)
            }
        }
    }

    @Test("an unreachable primary gets 502, counted")
    func primaryDown() async throws {
        let dead = try await TestServer.start()
        await dead.stop()
        let stats = try await withProxy(primary: dead, secondary: nil) { proxy in
            try await TestClient.with(port: proxy.localAddress.port) { session in
                for _ in 0..<2 {
                    let response = try await session.request(.GET, "/cl/5")
                    #expect(response.status == 502)
                }
            }
            return try await proxy.stats()
        }
        #expect(stats.badGatewayResponses == 2)
        #expect(stats.primaryFailures == 2)
    }
}

@Suite("Streaming")
struct StreamingTests {
    @Test("megabyte bodies pass both ways intact (backpressure does not stall)")
    func largeBodies() async throws {
        let primary = try await TestServer.start()
        let secondary = try await TestServer.start()
        defer { Task { await primary.stop(); await secondary.stop() } }
        try await withProxy(primary: primary, secondary: secondary, configure: { $0.mirrorMaxBodyBytes = 128 << 10 }) { proxy in
            try await TestClient.with(port: proxy.localAddress.port) { session in
                let download = try await session.request(.GET, "/cl/600000")
                #expect(download.body == TestServer.body(600_000))
                let parts = (0..<6).map { index in [UInt8](repeating: UInt8(index), count: 50_000) }
                let upload = try await session.request(.POST, "/echo", bodyParts: parts)
                #expect(upload.body == parts.flatMap { $0 })
                let again = try await session.request(.GET, "/chunked/400000")
                #expect(again.body == TestServer.body(400_000))
            }
            let stats = try await proxy.stats()
            // The 300 kB upload exceeds the 128 KiB mirror limit: forwarded, not mirrored.
            #expect(stats.mirrorDrops[.bodyTooLarge] == 1)
        }
    }
}
