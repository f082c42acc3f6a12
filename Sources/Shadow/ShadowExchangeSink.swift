/// Where the proxy delivers finished exchanges. Called from the proxy's event loops, so it must
/// never block: a sink that cannot take an exchange returns `false` and the proxy counts a drop.
public protocol ShadowExchangeSink: Sendable {
    /// Offers one exchange; returns whether it was accepted.
    func offer(_ exchange: ShadowExchange) -> Bool
    /// Called once when the proxy has stopped; no further offers follow.
    func finish()
}

/// The default sink: an `AsyncStream` with a bounded buffer that keeps the newest exchanges when
/// its consumer falls behind (the older ones are dropped and counted by the proxy).
///
/// ```swift
/// let stream = ShadowExchangeStream(bufferSize: 65_536)
/// let proxy = try await ShadowProxy.start(configuration, sink: stream)
/// for await exchange in stream.exchanges { profiler.add(exchange.record) }
/// ```
public struct ShadowExchangeStream: ShadowExchangeSink {
    /// The exchanges, in completion order; finishes when the proxy shuts down. One consumer.
    public let exchanges: AsyncStream<ShadowExchange>
    private let continuation: AsyncStream<ShadowExchange>.Continuation

    /// Creates a stream buffering at most `bufferSize` exchanges (at least 1).
    public init(bufferSize: Int = 65_536) {
        (exchanges, continuation) = AsyncStream.makeStream(
            of: ShadowExchange.self, bufferingPolicy: .bufferingNewest(max(1, bufferSize)))
    }

    public func offer(_ exchange: ShadowExchange) -> Bool {
        switch continuation.yield(exchange) {
        case .enqueued: return true
        case .dropped, .terminated: return false
        @unknown default: return false
        }
    }

    public func finish() {
        continuation.finish()
    }
}
