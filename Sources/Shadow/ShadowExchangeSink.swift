/// Where the proxy delivers finished exchanges. Each event loop collects its exchanges and offers
/// them in batches (at most every few milliseconds, or when 256 are waiting), so a consumer on
/// another thread is woken once per batch, not once per request. Called on the event loops, so
/// it must never block: what it cannot take it refuses, and the proxy counts the refusals.
public protocol ShadowExchangeSink: Sendable {
    /// Offers a batch in completion order; returns how many were accepted.
    func offer(_ exchanges: [ShadowExchange]) -> Int
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

    public func offer(_ exchanges: [ShadowExchange]) -> Int {
        var accepted = 0
        for exchange in exchanges {
            switch continuation.yield(exchange) {
            case .enqueued: accepted += 1
            case .dropped: accepted += 1  // accepted; an older buffered exchange was evicted instead
            case .terminated: return accepted
            @unknown default: break
            }
        }
        return accepted
    }

    public func finish() {
        continuation.finish()
    }
}
