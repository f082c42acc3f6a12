import Traffic

/// Arrival times of a non-homogeneous Poisson process with piecewise-constant rate, by the
/// time-change method: one unit exponential per arrival, carried exactly across segment
/// boundaries (memorylessness), so every segment is an exact Poisson process at its rate.
/// With `evenlySpaced`, every budget is 1 instead of an exponential draw: arrivals one every
/// 1 / rate seconds, the remainder carried across segment boundaries the same way.
struct OpenArrivals {
    /// Segment starts, ends and rates (plain arrays: no segment struct copied per arrival).
    private let starts: [Double]
    private let ends: [Double]
    private let rates: [Double]
    private var random: ArrivalRandom
    private var segment = 0
    private var time = 0.0
    /// The next unit exponentials of the stream, drawn ``batch`` at a time: they do not depend
    /// on the arrival times, so a batch is a loop of independent logarithms the CPU overlaps
    /// (one at a time, each logarithm's latency stood between two requests). Same values in
    /// the same order as drawing one per arrival.
    private var budgets = [Double](repeating: 0, count: OpenArrivals.batch)
    private var nextBudget = OpenArrivals.batch

    static let batch = 64

    /// Unit budgets (evenly spaced arrivals) instead of unit exponentials.
    private let evenlySpaced: Bool

    init(plan: RatePlan, seed: UInt64, evenlySpaced: Bool = false) {
        starts = plan.segments.map(\.start)
        ends = plan.segments.map(\.end)
        rates = plan.segments.map(\.rate)
        random = ArrivalRandom(seed: seed ^ 0x4152_5249_5641_4c53)
        self.evenlySpaced = evenlySpaced
    }

    /// The next arrival: run seconds and segment index, or `nil` at the end of the run.
    @inline(__always)
    mutating func next() -> (time: Double, segment: Int)? {
        var budget = 1.0
        if !evenlySpaced {
            if nextBudget == Self.batch { refill() }
            budget = budgets.withUnsafeBufferPointer { $0[nextBudget] }
            nextBudget += 1
        }
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

    /// Draws the next ``batch`` unit exponentials: -log(1 - u), u in [0, 1).
    private mutating func refill() {
        var random = self.random
        budgets.withUnsafeMutableBufferPointer { budgets in
            for i in 0..<Self.batch { budgets[i] = -fastLog(1 - random.nextUnit()) }
        }
        self.random = random
        nextBudget = 0
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
