import NIOCore
import NIOHTTP1

/// Whoever is currently using an upstream connection: a client request being proxied, or a
/// mirrored request. All calls happen on the connection's event loop.
protocol UpstreamReceiver: AnyObject {
    /// A decoded response part.
    func upstreamRead(_ part: HTTPClientResponsePart)
    /// The end of a read burst (flush the client now).
    func upstreamReadComplete()
    /// The connection closed (or failed) while this receiver was attached.
    func upstreamClosed()
    /// The connection's outbound buffer crossed a watermark (backpressure for request bodies).
    func upstreamWritabilityChanged(isWritable: Bool)
}

extension UpstreamReceiver {
    func upstreamWritabilityChanged(isWritable: Bool) {}
}

/// The last handler of an upstream (primary or secondary) connection: hands responses to the
/// attached receiver and writes request parts. An idle connection has no receiver; data arriving
/// then is unexpected and closes the connection.
final class UpstreamHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    /// The current user of the connection; `nil` while idle in a pool.
    var receiver: (any UpstreamReceiver)?
    private var context: ChannelHandlerContext?
    /// False once the connection closed or was asked to close.
    private(set) var isActive = true

    func handlerAdded(context: ChannelHandlerContext) {
        // Added before the connect completes; the connect promise succeeds before channelActive
        // fires, so the connection counts as active until it closes.
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        isActive = false
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let receiver else {
            // A response nobody asked for (or a server closing with a message): unusable.
            close()
            return
        }
        receiver.upstreamRead(unwrapInboundIn(data))
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        receiver?.upstreamReadComplete()
    }

    func channelInactive(context: ChannelHandlerContext) {
        isActive = false
        let receiver = self.receiver
        self.receiver = nil
        receiver?.upstreamClosed()
        context.fireChannelInactive()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        receiver?.upstreamWritabilityChanged(isWritable: context.channel.isWritable)
        context.fireChannelWritabilityChanged()
    }

    /// Whether the connection's outbound buffer is below its high watermark.
    var isWritable: Bool { context?.channel.isWritable ?? false }

    /// Pauses or resumes reading responses (backpressure from a slow client).
    func setReading(_ on: Bool) {
        guard readingPaused == on, let context else { return }
        readingPaused = !on
        _ = try? context.channel.syncOptions?.setOption(.autoRead, value: on)
    }
    private var readingPaused = false

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // Decoding errors and resets: the connection cannot be trusted any more. channelInactive
        // follows and tells the receiver.
        isActive = false
        context.close(promise: nil)
    }

    /// Writes a request part (not flushed).
    @inline(__always)
    func send(_ part: HTTPClientRequestPart) {
        context?.write(wrapOutboundOut(part), promise: nil)
    }

    /// Flushes written parts to the socket.
    @inline(__always)
    func flush() {
        context?.flush()
    }

    /// Detaches the receiver and closes the connection.
    func close() {
        isActive = false
        receiver = nil
        context?.close(promise: nil)
    }
}
