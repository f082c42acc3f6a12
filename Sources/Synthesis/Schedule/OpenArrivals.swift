import Traffic

/// Arrival times of a non-homogeneous Poisson process with piecewise-constant rate, by the
/// time-change method: one unit exponential per arrival, carried exactly across segment
/// boundaries (memorylessness), so every segment is an exact Poisson process at its rate.
struct OpenArrivals {
    /// Segment starts, ends and rates (plain arrays: no segment struct copied per arrival).
    private let starts: [Double]
    private let ends: [Double]
    private let rates: [Double]
    private var random: SeededRandom
    private var segment = 0
    private var time = 0.0

    init(plan: RatePlan, seed: UInt64) {
        starts = plan.segments.map(\.start)
        ends = plan.segments.map(\.end)
        rates = plan.segments.map(\.rate)
        random = SeededRandom(seed: seed ^ 0x4152_5249_5641_4c53)
    }

    /// The next arrival: run seconds and segment index, or `nil` at the end of the run.
    @inline(__always)
    mutating func next() -> (time: Double, segment: Int)? {
        // A unit exponential: -log(1 - u), u in [0, 1).
        var budget = -fastLog(1 - random.nextUnit())
        while segment < rates.count {
            let rate = rates[segment]
            let capacity = (ends[segment] - time) * rate
            if budget < capacity {
                time += budget / rate
                return (time, segment)
            }
            budget -= capacity
            segment += 1
            if segment < rates.count { time = starts[segment] }
        }
        return nil
    }

    /// Draws and drops the arrivals whose time in whole nanoseconds is before `cutoff`; returns
    /// how many, and the first arrival at or after it (`nil`: the run ended first). Same draws
    /// as calling ``next()`` that many times.
    mutating func skip(beforeNanos cutoff: Int64) -> (skipped: Int, next: (time: Double, segment: Int)?) {
        var skipped = 0
        while let arrival = next() {
            if Int64(arrival.time * 1e9) >= cutoff { return (skipped, arrival) }
            skipped += 1
        }
        return (skipped, nil)
    }
}
