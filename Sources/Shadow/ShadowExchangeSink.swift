import Synchronization

/// Where the proxy delivers finished exchanges. Each event loop collects its exchanges and offers
/// them in batches (at most every 20 ms, or when 256 are waiting). Called on the event loops, so
/// it must never block or wake other threads: what it cannot take it refuses, and the proxy
/// counts the refusals. The proxy reuses the offered array's storage after `offer` returns, so a
/// sink copies what it keeps rather than holding on to the array.
public protocol ShadowExchangeSink: Sendable {
    /// Offers a batch in completion order; returns how many were accepted.
    func offer(_ exchanges: [ShadowExchange]) -> Int
    /// Called once when the proxy has stopped; no further offers follow.
    func finish()
}

/// The default sink: a bounded mailbox the event loops drop exchanges into, read as an async
/// sequence of batches. When the consumer falls behind and `maxBatches` offers are waiting, new
/// offers are refused and counted as dropped.
///
/// The consumer polls the mailbox (every `pollInterval` while it is empty) instead of being woken
/// by the event loops: an `offer` is one short lock and a copy, with no thread wake-up and no
/// allocation in the common case. (An `AsyncStream` continuation woke the consumer's thread from
/// the event loop on every batch; on a loaded machine the woken thread preempted the loop inside
/// that wake-up, and freeing the loop-allocated batch arrays on the consumer's thread contended
/// for the loop's malloc arena — both stalled client requests by milliseconds.)
///
/// ```swift
/// let stream = ShadowExchangeStream(maxBatches: 256)
/// let proxy = try await ShadowProxy.start(configuration, sink: stream)
/// for await batch in stream.batches { for exchange in batch { profiler.add(exchange.record) } }
/// ```
public struct ShadowExchangeStream: ShadowExchangeSink {
    /// Batches of exchanges (each event loop's in completion order; all that waited since the
    /// previous batch); finishes when the proxy shuts down and everything offered was read. One
    /// consumer.
    public let batches: AsyncStream<[ShadowExchange]>
    private let mailbox: ExchangeMailbox

    /// Creates a stream holding at most `maxBatches` unread offers (at least 1); the consumer
    /// looks for new exchanges every `pollInterval` while there are none.
    public init(maxBatches: Int = 1024, pollInterval: Duration = .milliseconds(25)) {
        let mailbox = ExchangeMailbox(maxOffers: max(1, maxBatches))
        self.mailbox = mailbox
        batches = AsyncStream(unfolding: { await mailbox.next(pollInterval: pollInterval) })
    }

    public func offer(_ exchanges: [ShadowExchange]) -> Int {
        mailbox.offer(exchanges)
    }

    public func finish() {
        mailbox.finish()
    }
}

/// The shared state of a `ShadowExchangeStream`: exchanges offered and not yet read, how many
/// offers they came in, and whether the proxy finished. Every critical section is a copy into
/// reserved storage (offer) or a swap of two arrays (read), so an event loop never waits long.
final class ExchangeMailbox: Sendable {
    private struct State {
        var pending: [ShadowExchange] = []
        var offers = 0
        var finished = false
        /// Size of the last batch read, for sizing the next storage.
        var lastBatch = 256
    }

    private let maxOffers: Int
    private let state = Mutex(State())

    init(maxOffers: Int) {
        self.maxOffers = maxOffers
    }

    func offer(_ exchanges: [ShadowExchange]) -> Int {
        guard !exchanges.isEmpty else { return 0 }
        return state.withLock { state in
            guard !state.finished, state.offers < maxOffers else { return 0 }
            state.offers += 1
            state.pending.append(contentsOf: exchanges)
            return exchanges.count
        }
    }

    func finish() {
        state.withLock { $0.finished = true }
    }

    /// Everything waiting, or `nil` once finished and empty; sleeps `pollInterval` between looks.
    func next(pollInterval: Duration) async -> [ShadowExchange]? {
        // Storage for the next offers, allocated here (on the consumer's thread) rather than by
        // an event loop, sized like the last batch.
        var fresh: [ShadowExchange] = []
        fresh.reserveCapacity(state.withLock { $0.lastBatch })
        while true {
            let taken: [ShadowExchange]? = state.withLock { state in
                if state.pending.isEmpty { return state.finished ? nil : [] }
                swap(&state.pending, &fresh)
                state.offers = 0
                state.lastBatch = max(256, fresh.count)
                return fresh
            }
            guard let taken else { return nil }
            if !taken.isEmpty { return taken }
            do {
                try await Task.sleep(for: pollInterval)
            } catch {
                return nil  // the consumer was cancelled
            }
        }
    }
}
