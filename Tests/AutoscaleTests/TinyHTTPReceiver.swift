import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A loopback HTTP server for tests: records each request's head and body, answers `status`.
final class TinyHTTPReceiver: Sendable {
    struct Request: Sendable { var head: String; var body: String }

    private let channel: any Channel
    private let state: NIOLockedValueBox<(requests: [Request], status: Int)>
    let port: Int

    var requests: [Request] { state.withLockedValue { $0.requests } }
    var status: Int {
        get { state.withLockedValue { $0.status } }
        set { state.withLockedValue { $0.status = newValue } }
    }

    private init(channel: any Channel, state: NIOLockedValueBox<(requests: [Request], status: Int)>) {
        self.channel = channel
        self.state = state
        port = channel.localAddress?.port ?? 0
    }

    static func start() async throws -> TinyHTTPReceiver {
        let state = NIOLockedValueBox<(requests: [Request], status: Int)>(([], 200))
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(Handler(state: state)) }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return TinyHTTPReceiver(channel: channel, state: state)
    }

    func stop() { channel.close(promise: nil) }

    final class Handler: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let state: NIOLockedValueBox<(requests: [Request], status: Int)>
        var buffer = ""
        init(state: NIOLockedValueBox<(requests: [Request], status: Int)>) { self.state = state }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var bytes = unwrapInboundIn(data)
            buffer += bytes.readString(length: bytes.readableBytes) ?? ""
            guard let split = buffer.range(of: "\r\n\r\n") else { return }
            let head = String(buffer[..<split.lowerBound])
            let length = head.split(separator: "\r\n").compactMap { line -> Int? in
                let parts = line.split(separator: ":", maxSplits: 1)
                return parts.count == 2 && parts[0].lowercased() == "content-length" ? Int(parts[1].trimmingCharacters(in: .whitespaces)) : nil
            }.first ?? 0
            let body = String(buffer[split.upperBound...])
            guard body.utf8.count >= length else { return }
            let status = state.withLockedValue { state -> Int in
                state.requests.append(Request(head: head, body: body))
                return state.status
            }
            buffer = ""
            let response = "HTTP/1.1 \(status) X\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
            context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: response))).assumeIsolated().whenComplete { _ in
                context.close(promise: nil)
            }
        }
    }
}
