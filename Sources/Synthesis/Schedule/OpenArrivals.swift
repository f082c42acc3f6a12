import Traffic

/// Arrival times of a non-homogeneous Poisson process with piecewise-constant rate, by the
/// time-change method: one unit exponential per arrival, carried exactly across segment
/// boundaries (memorylessness), so every segment is an exact Poisson process at its rate.
struct OpenArrivals {
    private let segments: [RatePlan.Segment]
    private var random: SeededRandom
    private var segment = 0
    private var time = 0.0

    init(plan: RatePlan, seed: UInt64) {
        segments = plan.segments
        random = SeededRandom(seed: seed ^ 0x4152_5249_5641_4c53)
    }

    /// The next arrival: run seconds and segment index, or `nil` at the end of the run.
    mutating func next() -> (time: Double, segment: Int)? {
        var budget = random.nextExponential(mean: 1)
        while segment < segments.count {
            let s = segments[segment]
            let capacity = (s.end - time) * s.rate
            if budget < capacity {
                time += budget / s.rate
                return (time, segment)
            }
            budget -= capacity
            segment += 1
            if segment < segments.count { time = segments[segment].start }
        }
        return nil
    }
}
