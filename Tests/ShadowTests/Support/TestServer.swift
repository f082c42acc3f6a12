import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix

/// A small HTTP/1.1 server on 127.0.0.1 (ephemeral port) standing in for the primary or the
/// secondary. Routes (GET unless said):
/// - `/cl/N`: 200, `Content-Length: N`, a deterministic body, a few ordinary headers and a
///   hop-by-hop `Connection: X-Resp-Hop` + `X-Resp-Hop` pair that a proxy must remove.
/// - `/chunked/N`: 200, N body bytes sent in 3 chunks (no `Content-Length`).
/// - `/status/C`: status C with an empty body (`Content-Length: 0` unless 204/304).
/// - `/echo` (any method): 200 with the request body as the body.
/// In `.hang` mode it reads requests and never answers.
final class TestServer: Sendable {
    enum Mode: Sendable { case normal, hang }

    struct Seen: Sendable {
        var method: HTTPMethod
        var uri: String
        var headers: HTTPHeaders
        var bodyBytes: Int
    }

    struct State: Sendable {
        var requests: [Seen] = []
        var connections = 0
    }

    let port: Int
    let state: NIOLockedValueBox<State>
    private let group: MultiThreadedEventLoopGroup
    private let channel: any Channel

    private init(port: Int, state: NIOLockedValueBox<State>, group: MultiThreadedEventLoopGroup, channel: any Channel) {
        self.port = port
        self.state = state
        self.group = group
        self.channel = channel
    }

    static func start(_ mode: Mode = .normal) async throws -> TestServer {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let state = NIOLockedValueBox(State())
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    state.withLockedValue { $0.connections += 1 }
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withPipeliningAssistance: true)
                    try channel.pipeline.syncOperations.addHandler(TestServerHandler(mode: mode, state: state))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return TestServer(port: channel.localAddress!.port!, state: state, group: group, channel: channel)
    }

    var url: String { "http://127.0.0.1:\(port)" }
    var requestCount: Int { state.withLockedValue { $0.requests.count } }
    var connectionCount: Int { state.withLockedValue { $0.connections } }
    var requests: [Seen] { state.withLockedValue { $0.requests } }

    /// Closes the listener and every connection (a crashed service, as the proxy sees it).
    func stop() async {
        try? await channel.close()
        try? await group.shutdownGracefully()
    }
}

private final class TestServerHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let mode: TestServer.Mode
    let state: NIOLockedValueBox<TestServer.State>
    var head: HTTPRequestHead?
    var body = ByteBuffer()

    init(mode: TestServer.Mode, state: NIOLockedValueBox<TestServer.State>) {
        self.mode = mode
        self.state = state
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case let .head(head):
            self.head = head
            body.clear()
        case var .body(buffer):
            body.writeBuffer(&buffer)
        case .end:
            guard let head else { return }
            state.withLockedValue {
                $0.requests.append(.init(method: head.method, uri: head.uri, headers: head.headers, bodyBytes: body.readableBytes))
            }
            if mode == .hang { return }
            respond(to: head, context: context)
        }
    }

    private func respond(to head: HTTPRequestHead, context: ChannelHandlerContext) {
        let parts = head.uri.split(separator: "?")[0].split(separator: "/")
        let route = parts.first.map(String.init) ?? ""
        let number = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
        var headers = HTTPHeaders()
        headers.add(name: "Server", value: "test")
        headers.add(name: "X-Route", value: route)
        switch route {
        case "cl":
            headers.add(name: "Content-Length", value: "\(number)")
            headers.add(name: "Connection", value: "X-Resp-Hop")
            headers.add(name: "X-Resp-Hop", value: "1")
            headers.add(name: "Set-Cookie", value: "a=b")
            write(.ok, headers, chunks: [TestServer.body(number)], context: context)
        case "chunked":
            let whole = TestServer.body(number)
            let third = number / 3
            let chunks = [whole[0..<third], whole[third..<(2 * third)], whole[(2 * third)...]].map(Array.init)
            write(.ok, headers, chunks: chunks, context: context)
        case "status":
            let status = HTTPResponseStatus(statusCode: number)
            if number != 204 && number != 304 { headers.add(name: "Content-Length", value: "0") }
            if number == 304 { headers.add(name: "ETag", value: "\"v1\"") }
            write(status, headers, chunks: [], context: context)
        case "echo":
            headers.add(name: "Content-Length", value: "\(body.readableBytes)")
            write(.ok, headers, chunks: [Array(body.readableBytesView)], context: context)
        default:
            headers.add(name: "Content-Length", value: "0")
            write(.notFound, headers, chunks: [], context: context)
        }
    }

    private func write(_ status: HTTPResponseStatus, _ headers: HTTPHeaders, chunks: [[UInt8]], context: ChannelHandlerContext) {
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
        for chunk in chunks where !chunk.isEmpty {
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: chunk)))), promise: nil)
        }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }
}

extension TestServer {
    /// The deterministic body of `count` bytes served by `/cl/N` and `/chunked/N`.
    static func body(_ count: Int) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: ($0 &* 31) &+ ($0 >> 8)) }
    }
}
