/// For a paced schedule: how many requests the next chunk may hold, so that the chunks queued
/// ahead of the emitter stay a bounded amount of *work* when it is behind.
///
/// When the emitter cannot keep up, every chunk it takes is already late when produced (some
/// of its requests are skipped), and a queue of full chunks would hold seconds of sending: the
/// requests in it would go out late by that much, or be dropped by the emitter's request
/// timeout. So a chunk that skipped requests sets the limit back to `minimum`, and a chunk that
/// skipped none doubles it (up to `maximum`): a schedule the emitter keeps up with runs
/// with full chunks; one it cannot keep up with queues at most `queue depth × minimum` requests.
/// The limit starts at `minimum` (a slow start): the first chunks are produced before the
/// emitter's clock runs, so nothing can be skipped in them, and full ones would queue seconds of
/// work in front of an emitter that cannot keep up.
struct ChunkLimit: Sendable, Equatable {
    let minimum: Int
    let maximum: Int
    /// The limit for the next chunk.
    private(set) var current: Int

    init(minimum: Int, maximum: Int) {
        self.maximum = max(1, maximum)
        self.minimum = max(1, min(minimum, self.maximum))
        current = self.minimum
    }

    /// Records whether the chunk just produced skipped late requests.
    mutating func produced(skippedLate: Bool) {
        current = skippedLate ? minimum : min(maximum, current * 2)
    }
}
