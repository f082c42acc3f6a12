import NIOCore
import NIOHTTP1

/// HTTP/1.1 handler of the Lab: `/metrics`, `/admin/instances`, and the spec's routes.
///
/// Responses leave in request order even when pipelined requests finish out of order.
final class LabHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let core: LabCore
    private var head: HTTPRequestHead?
    private var previousResponse: EventLoopFuture<Void>?
    private static let filler = ByteBuffer(repeating: UInt8(ascii: "x"), count: 1 << 16)

    init(core: LabCore) { self.core = core }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
        case .body:
            break  // request bodies are read and dropped: the Lab simulates time, not processing
        case .end:
            guard let head else { return }
            self.head = nil
            let response = respond(to: head, on: context.eventLoop)
            let keepAlive = head.isKeepAlive
            let previous = previousResponse ?? context.eventLoop.makeSucceededVoidFuture()
            previousResponse = previous.flatMap { response }.assumeIsolated().map { answer in
                self.write(answer, keepAlive: keepAlive, version: head.version, context: context)
            }.nonisolated()
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // Resets and broken pipes end the connection; the pool's work is unaffected.
        context.close(promise: nil)
    }

    private func respond(to head: HTTPRequestHead, on eventLoop: any EventLoop) -> EventLoopFuture<LabResponse> {
        let uri = head.uri
        let path = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        let query = uri.firstIndex(of: "?").map { uri[uri.index(after: $0)...] } ?? ""
        if path == "/metrics" {
            return eventLoop.makeSucceededFuture(.text(status: 200, core.exposition(), contentType: "text/plain; version=0.0.4"))
        }
        if path == "/admin/instances" {
            return eventLoop.makeSucceededFuture(admin(method: head.method, query: query))
        }
        let method = head.method.rawValue
        guard let route = core.spec.routeIndex(method: method, path: path) else {
            return eventLoop.makeSucceededFuture(.text(status: 404, "no route for \(method) \(path)\n"))
        }
        return core.submit(route: route, on: eventLoop)
    }

    private func admin(method: HTTPMethod, query: Substring) -> LabResponse {
        switch method {
        case .GET:
            return .text(status: 200, "{\"instances\":\(core.instances)}\n", contentType: "application/json")
        case .POST, .PUT:
            let count = query.split(separator: "&").lazy
                .compactMap { pair -> Int? in
                    let parts = pair.split(separator: "=", maxSplits: 1)
                    return parts.count == 2 && parts[0] == "count" ? Int(parts[1]) : nil
                }.first
            guard let count, count >= 0, count <= 10_000 else {
                return .text(status: 400, "expected ?count=N with 0 <= N <= 10000\n")
            }
            core.setInstances(count)
            return .text(status: 200, "{\"instances\":\(count)}\n", contentType: "application/json")
        default:
            return .text(status: 405, "use GET, POST or PUT\n")
        }
    }

    private func write(_ answer: LabResponse, keepAlive: Bool, version: HTTPVersion, context: ChannelHandlerContext) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: answer.contentType)
        headers.add(name: "Content-Length", value: String(answer.bodyBytes))
        if answer.status == 503 { headers.add(name: "Retry-After", value: "1") }
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        let status = HTTPResponseStatus(statusCode: answer.status)
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: version, status: status, headers: headers))), promise: nil)
        if let text = answer.text {
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: text)))), promise: nil)
        } else {
            var remaining = answer.bodyBytes
            while remaining > 0 {
                let size = min(remaining, Self.filler.readableBytes)
                context.write(wrapOutboundOut(.body(.byteBuffer(Self.filler.getSlice(at: 0, length: size)!))), promise: nil)
                remaining -= size
            }
        }
        let done = context.writeAndFlushPromise()
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: done)
        if !keepAlive {
            done.futureResult.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        }
    }
}

extension ChannelHandlerContext {
    fileprivate func writeAndFlushPromise() -> EventLoopPromise<Void> { eventLoop.makePromise() }
}
