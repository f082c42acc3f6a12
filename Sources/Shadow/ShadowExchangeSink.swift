/// Where the proxy delivers finished exchanges. Each event loop collects its exchanges and offers
/// them in batches (at most every 20 ms, or when 256 are waiting), so a consumer on
/// another thread is woken once per batch, not once per request. Called on the event loops, so
/// it must never block: what it cannot take it refuses, and the proxy counts the refusals.
public protocol ShadowExchangeSink: Sendable {
    /// Offers a batch in completion order; returns how many were accepted.
    func offer(_ exchanges: [ShadowExchange]) -> Int
    /// Called once when the proxy has stopped; no further offers follow.
    func finish()
}

/// The default sink: an `AsyncStream` of batches with a bounded buffer. When the consumer falls
/// behind and `maxBatches` batches are waiting, new batches are refused and counted as dropped.
///
/// ```swift
/// let stream = ShadowExchangeStream(maxBatches: 256)
/// let proxy = try await ShadowProxy.start(configuration, sink: stream)
/// for await batch in stream.batches { for exchange in batch { profiler.add(exchange.record) } }
/// ```
public struct ShadowExchangeStream: ShadowExchangeSink {
    /// Batches of exchanges in completion order per event loop (each at most 256); finishes when
    /// the proxy shuts down. One consumer.
    public let batches: AsyncStream<[ShadowExchange]>
    private let continuation: AsyncStream<[ShadowExchange]>.Continuation

    /// Creates a stream buffering at most `maxBatches` batches (at least 1).
    public init(maxBatches: Int = 1024) {
        (batches, continuation) = AsyncStream.makeStream(
            of: [ShadowExchange].self, bufferingPolicy: .bufferingOldest(max(1, maxBatches)))
    }

    public func offer(_ exchanges: [ShadowExchange]) -> Int {
        switch continuation.yield(exchanges) {
        case .enqueued: return exchanges.count
        case .dropped, .terminated: return 0
        @unknown default: return 0
        }
    }

    public func finish() {
        continuation.finish()
    }
}
