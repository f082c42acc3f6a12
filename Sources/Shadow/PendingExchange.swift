import Traffic

/// An exchange waiting for its primary outcome and, when mirrored, its secondary outcome; it is
/// delivered to the sink when both are known. Lives on one event loop.
final class PendingExchange {
    private unowned let loop: LoopContext
    /// The redacted record; `nil` when no sink is attached (only the comparison is kept).
    private var record: RequestRecord?
    private let mirrored: Bool
    private var primary: ShadowOutcome?
    private var secondary: ShadowOutcome?

    init(loop: LoopContext, record: RequestRecord?, mirrored: Bool) {
        self.loop = loop
        self.record = record
        self.mirrored = mirrored
    }

    /// The primary finished; fills the record's response fields.
    func primaryDone(_ outcome: ShadowOutcome, requestBytes: Int) {
        guard primary == nil else { return }
        primary = outcome
        if record != nil {
            record!.requestBytes = requestBytes
            if case let .responded(status, latency, bodyBytes) = outcome {
                record!.status = status
                record!.latency = latency
                record!.responseBytes = bodyBytes
            }
        }
        deliverIfComplete()
    }

    /// The secondary finished (or the copy was dropped).
    func secondaryDone(_ outcome: ShadowOutcome) {
        guard secondary == nil else { return }
        secondary = outcome
        deliverIfComplete()
    }

    private func deliverIfComplete() {
        guard let primary, !mirrored || secondary != nil else { return }
        if let primaryStatus = primary.status, let secondaryStatus = secondary?.status, primaryStatus != secondaryStatus {
            loop.stats.statusMismatches += 1
        }
        if let record {
            loop.deliver(ShadowExchange(record: record, primary: primary, secondary: secondary))
            self.record = nil
        }
    }
}
