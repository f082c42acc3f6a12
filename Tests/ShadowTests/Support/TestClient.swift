import NIOCore
import NIOHTTP1
import NIOPosix

/// A complete HTTP response as a client sees it.
struct TestResponse: Sendable {
    var head: HTTPResponseHead
    var body: [UInt8]
    var trailers: HTTPHeaders?

    var status: Int { Int(head.status.code) }

    /// Headers minus per-connection framing (`Transfer-Encoding`, `Connection`, `Keep-Alive`),
    /// which legitimately differ per hop; names, values and order otherwise.
    var endToEndHeaders: [String] {
        let hop: Set<String> = ["transfer-encoding", "connection", "keep-alive"]
        return head.headers.filter { !hop.contains($0.name.lowercased()) }.map { "\($0.name): \($0.value)" }
    }
}

/// One keep-alive HTTP/1.1 client connection, one request at a time.
final class TestClient {
    private let channel: NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>

    private init(channel: NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>) {
        self.channel = channel
    }

    /// Opens a connection and runs `body` with it, closing afterwards.
    static func with<T>(port: Int, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, _ body: (TestClient.Session) async throws -> T) async throws -> T {
        let channel = try await ClientBootstrap(group: group)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            let session = Session(inbound: inbound.makeAsyncIterator(), outbound: outbound)
            return try await body(session)
        }
    }

    final class Session {
        var inbound: NIOAsyncChannelInboundStream<HTTPClientResponsePart>.AsyncIterator
        let outbound: NIOAsyncChannelOutboundWriter<HTTPClientRequestPart>

        init(inbound: NIOAsyncChannelInboundStream<HTTPClientResponsePart>.AsyncIterator, outbound: NIOAsyncChannelOutboundWriter<HTTPClientRequestPart>) {
            self.inbound = inbound
            self.outbound = outbound
        }

        /// Sends a request (body in `bodyParts` separate writes) and reads the full response.
        func request(
            _ method: HTTPMethod = .GET, _ uri: String, headers: [(String, String)] = [], bodyParts: [[UInt8]] = []
        ) async throws -> TestResponse {
            var requestHeaders = HTTPHeaders([("Host", "test")] + headers)
            if !bodyParts.isEmpty && !requestHeaders.contains(name: "content-length") {
                requestHeaders.add(name: "Transfer-Encoding", value: "chunked")
            }
            try await outbound.write(.head(HTTPRequestHead(version: .http1_1, method: method, uri: uri, headers: requestHeaders)))
            for part in bodyParts { try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: part)))) }
            try await outbound.write(.end(nil))
            var head: HTTPResponseHead?
            var body: [UInt8] = []
            while let part = try await inbound.next() {
                switch part {
                case let .head(h):
                    head = h
                case let .body(buffer):
                    body.append(contentsOf: buffer.readableBytesView)
                case let .end(trailers):
                    guard let head else { throw TestClientError.noHead }
                    return TestResponse(head: head, body: body, trailers: trailers)
                }
            }
            throw TestClientError.closed
        }
    }
}

enum TestClientError: Error { case noHead, closed }
