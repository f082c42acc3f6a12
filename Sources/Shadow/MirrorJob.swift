import NIOCore
import NIOHTTP1

/// One copy of a request on its way to the secondary: the forwarded head, the body buffers
/// (shared with the primary's copy, not duplicated), and the measurement of the response.
final class MirrorJob: UpstreamReceiver {
    let head: HTTPRequestHead
    private(set) var body: [ByteBuffer] = []
    private(set) var bodyBytes = 0
    var trailers: HTTPHeaders?
    /// When the request arrived at the proxy (the mirror timeout counts from here).
    let arrived: NIODeadline
    /// When it was written to the secondary.
    private(set) var sent = NIODeadline.distantFuture
    let exchange: PendingExchange?
    unowned let pool: MirrorPool
    /// The connection carrying it, while in flight.
    var connection: UpstreamHandler?
    /// Index in the pool's in-flight list.
    var slot = -1
    private(set) var status = 0
    private(set) var responseBytes = 0
    private(set) var keepAlive = true

    init(head: HTTPRequestHead, arrived: NIODeadline, exchange: PendingExchange?, pool: MirrorPool) {
        self.head = head
        self.arrived = arrived
        self.exchange = exchange
        self.pool = pool
    }

    func append(_ buffer: ByteBuffer) {
        bodyBytes += buffer.readableBytes
        body.append(buffer)
    }

    /// Writes the whole request and flushes once.
    func send(on connection: UpstreamHandler) {
        self.connection = connection
        connection.receiver = self
        sent = .now()
        connection.send(.head(head))
        for buffer in body { connection.send(.body(.byteBuffer(buffer))) }
        connection.send(.end(trailers))
        connection.flush()
        body = []
    }

    func upstreamRead(_ part: HTTPClientResponsePart) {
        switch part {
        case let .head(head):
            if head.status.code >= 100 && head.status.code < 200 && head.status.code != 101 { return }
            status = Int(head.status.code)
            keepAlive = head.isKeepAlive
        case let .body(buffer):
            responseBytes += buffer.readableBytes
        case .end:
            pool.completed(self)
        }
    }

    func upstreamReadComplete() {}

    func upstreamClosed() {
        connection = nil
        pool.failed(self, reason: .reset)
    }
}
