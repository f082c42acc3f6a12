import NIOCore
import NIOHTTP1
import NIOPosix

/// Opens HTTP/1.1 client connections to one upstream from one event loop: request encoder,
/// response decoder (which tracks HEAD requests so their responses are read without a body) and
/// an `UpstreamHandler`. No outbound header validation: headers come from the inbound decoder.
struct UpstreamConnector {
    let eventLoop: any EventLoop
    let address: SocketAddress
    private let bootstrap: ClientBootstrap

    init(eventLoop: any EventLoop, address: SocketAddress, connectTimeout: TimeAmount) {
        self.eventLoop = eventLoop
        self.address = address
        bootstrap = ClientBootstrap(group: eventLoop)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelOption(.maxMessagesPerRead, value: 16)
            .connectTimeout(connectTimeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    try pipeline.addHandler(HTTPRequestEncoder())
                    try pipeline.addHandler(ByteToMessageHandler(HTTPResponseDecoder(leftOverBytesStrategy: .dropBytes)))
                    try pipeline.addHandler(UpstreamHandler())
                }
            }
    }

    /// Connects; `completion` runs on the event loop with the connection's handler. Must be
    /// called on `eventLoop`.
    func connect(_ completion: @escaping (Result<UpstreamHandler, any Error>) -> Void) {
        bootstrap.connect(to: address).assumeIsolated().whenComplete { result in
            switch result {
            case let .success(channel):
                do {
                    completion(.success(try channel.pipeline.syncOperations.handler(type: UpstreamHandler.self)))
                } catch {
                    channel.close(promise: nil)
                    completion(.failure(error))
                }
            case let .failure(error):
                completion(.failure(error))
            }
        }
    }
}
