/// For a paced schedule: before which run time (nanoseconds) a request counts as late when its
/// chunk is produced. A small state machine over the chunks handed out:
///
/// - first chunk: no clock yet (the emitter starts its clock when it has queued this chunk), so
///   nothing is late;
/// - second chunk: the consumer asks for it only after queuing the first one and starting its
///   clock, so the run's clock is taken to start now — never earlier than the emitter's, hence
///   this side never calls a request late that the emitter would still send on time;
/// - then: `elapsed - threshold`: a request intended before that would be sent later than the
///   emitter's late threshold even if it went out right now.
struct LateCutoff: Sendable, Equatable {
    enum State: Sendable, Equatable {
        case waitingForFirstChunk
        case waitingForClock
        case running(startNanos: Int64)
    }

    /// The emitter's late threshold, nanoseconds (>= 0).
    let thresholdNanos: Int64
    private(set) var state = State.waitingForFirstChunk

    init(thresholdNanos: Int64) { self.thresholdNanos = max(0, thresholdNanos) }

    /// The cutoff for the chunk requested at monotonic time `now` (`Int64.min`: nothing is late).
    mutating func cutoff(now: Int64) -> Int64 {
        switch state {
        case .waitingForFirstChunk:
            state = .waitingForClock
            return .min
        case .waitingForClock:
            state = .running(startNanos: now)
            return -thresholdNanos
        case let .running(start):
            return now - start - thresholdNanos
        }
    }
}
