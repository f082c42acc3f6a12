import CEmit
import Testing

/// The adaptive busy poll's rule (`cemit_spin_policy_tick`, spin_policy.c) as a pure function:
/// given what each 1 ms tick saw, which budget the worker uses next. No threads, no clocks.
@Suite("Adaptive busy poll: the budget rule")
struct SpinPolicyTests {
    static let long = Int64(CEMIT_SPIN_LONG_NS), short = Int64(CEMIT_SPIN_SHORT_NS)
    static let holdMin = Int(CEMIT_SPIN_HOLD_MIN), holdMax = Int(CEMIT_SPIN_HOLD_MAX)
    static let decay = Int(CEMIT_SPIN_DECAY), idleHold = Int(CEMIT_SPIN_IDLE_HOLD)

    static let waitLimit = Int64(CEMIT_SPIN_WAIT_NS)

    /// A tick where every poll ended with a completion and the worker never waited for its core.
    static let clean = cemit_spin_tick(spins: 40, timeouts: 0, wait_ns: 0)
    /// A tick where a CPU-bound neighbour held the worker's core for one of its slices (8 times
    /// the limit, so the 1/8 moving average reaches the limit at once).
    static let preempted = cemit_spin_tick(spins: 40, timeouts: 0, wait_ns: 8 * waitLimit)

    /// The budgets returned for `ticks`, in order.
    static func budgets(_ ticks: [cemit_spin_tick], policy: inout cemit_spin_policy) -> [Int64] {
        ticks.map { tick in
            var tick = tick
            return cemit_spin_policy_tick(&policy, &tick)
        }
    }

    static func fresh() -> cemit_spin_policy {
        var policy = cemit_spin_policy()
        cemit_spin_policy_init(&policy)
        return policy
    }

    @Test("a core of its own: long from the start, and it stays long")
    func quietStaysLong() {
        var policy = Self.fresh()
        #expect(policy.budget_ns == Self.long)
        #expect(Self.budgets(Array(repeating: Self.clean, count: 1000), policy: &policy).allSatisfy { $0 == Self.long })
        // A tick without any poll (nothing outstanding) is no reason to change either.
        #expect(Self.budgets([cemit_spin_tick(spins: 0, timeouts: 0, wait_ns: 0)], policy: &policy) == [Self.long])
    }

    @Test("waits now and then (a kernel thread for a few hundred microseconds) are not contention")
    func sporadicWaitsIgnored() {
        var policy = Self.fresh()
        // Three times the limit in one tick of every ten (the quiet box's pattern, denser).
        let ticks = (0..<2000).map { (index: Int) -> cemit_spin_tick in
            let wait: Int64 = index % 10 == 0 ? 3 * Self.waitLimit : 0
            return cemit_spin_tick(spins: 10, timeouts: 0, wait_ns: wait)
        }
        #expect(Self.budgets(ticks, policy: &policy).allSatisfy { $0 == Self.long })
        // Just under the limit in every tick is not contention either.
        let steady = Array(repeating: cemit_spin_tick(spins: 10, timeouts: 0, wait_ns: Self.waitLimit - 1), count: 500)
        #expect(Self.budgets(steady, policy: &policy).allSatisfy { $0 == Self.long })
    }

    @Test("a wait of a tenth of the time, tick after tick, is contention within a few ticks")
    func sustainedWaits() {
        var policy = Self.fresh()
        let budgets = Self.budgets(Array(repeating: cemit_spin_tick(spins: 10, timeouts: 0, wait_ns: 2 * Self.waitLimit), count: 10), policy: &policy)
        #expect((budgets.firstIndex(of: Self.short) ?? budgets.count) <= 8)
    }

    @Test("a wait for the core: short at once, for the minimum hold, then long again")
    func preemptionHolds() {
        var policy = Self.fresh()
        let budgets = Self.budgets([Self.preempted] + Array(repeating: Self.clean, count: Self.holdMin + 1), policy: &policy)
        #expect(budgets == Array(repeating: Self.short, count: Self.holdMin + 1) + [Self.long])
    }

    @Test("contended ticks that go on double the hold, up to the longest; a loaded core is probed rarely")
    func holdDoubles() {
        var policy = Self.fresh()
        var holds: [Int] = []
        for _ in 0..<12 {
            _ = Self.budgets([Self.preempted], policy: &policy)
            var shortTicks = 0
            while Self.budgets([Self.clean], policy: &policy) == [Self.short] { shortTicks += 1 }
            holds.append(shortTicks)
            // The probe at the long budget is preempted again (the loop's next iteration).
        }
        #expect(Array(holds.prefix(8)) == [8, 16, 32, 64, 128, 256, 512, 1024].map { $0 * Self.holdMin / 8 })
        #expect(holds.suffix(4).allSatisfy { $0 == Self.holdMax })
    }

    @Test("waits while short do not extend the hold (a sleeping worker's wake-ups are no neighbour's doing); the probe after it decides")
    func waitsDuringHoldIgnored() {
        var policy = Self.fresh()
        let budgets = Self.budgets(Array(repeating: Self.preempted, count: Self.holdMin + 1) + [Self.clean], policy: &policy)
        #expect(budgets == Array(repeating: Self.short, count: Self.holdMin + 1) + [Self.long])
        #expect(policy.next_hold == 2 * CEMIT_SPIN_HOLD_MIN) // one contended tick, not nine
        // The probe at the long budget contended again: back to short, for the doubled hold.
        let probe = Self.budgets([Self.preempted] + Array(repeating: Self.clean, count: 2 * Self.holdMin + 1), policy: &policy)
        #expect(probe == Array(repeating: Self.short, count: 2 * Self.holdMin + 1) + [Self.long])
    }

    @Test("clean long ticks halve the next hold: rare contention costs the minimum hold")
    func holdDecays() {
        var policy = Self.fresh()
        for _ in 0..<4 { _ = Self.budgets([Self.preempted] + Array(repeating: Self.clean, count: 200), policy: &policy) }
        // After 200 clean ticks the next hold is back to the minimum: preempted once every ~200 ms,
        // the worker polls long 95 % of the time.
        let budgets = Self.budgets([Self.preempted] + Array(repeating: Self.clean, count: Self.holdMin + 1), policy: &policy)
        #expect(budgets.last == Self.long)
        #expect(policy.next_hold <= 2 * CEMIT_SPIN_HOLD_MIN)
        // And it takes CEMIT_SPIN_DECAY clean long ticks per halving.
        var grown = Self.fresh()
        for _ in 0..<5 { // contended, hold, probe (one clean long tick), contended again...
            _ = Self.budgets([Self.preempted], policy: &grown)
            while Self.budgets([Self.clean], policy: &grown) == [Self.short] {}
        }
        let before = grown.next_hold
        #expect(before == 32 * CEMIT_SPIN_HOLD_MIN)
        _ = Self.budgets(Array(repeating: Self.clean, count: Self.decay - 1), policy: &grown) // the probe tick does not count
        #expect(grown.next_hold == before)
        _ = Self.budgets([Self.clean], policy: &grown)
        #expect(grown.next_hold == before / 2)
    }

    @Test("long polls that mostly run out fall back to short for a while; short ones that run out do not count")
    func unproductiveLongPolls() {
        var policy = Self.fresh()
        let ranOut = cemit_spin_tick(spins: 3, timeouts: 2, wait_ns: 0)
        let budgets = Self.budgets([ranOut] + Array(repeating: ranOut, count: Self.idleHold) + [Self.clean], policy: &policy)
        #expect(budgets == Array(repeating: Self.short, count: Self.idleHold + 1) + [Self.long])
        // Half of them running out is still productive enough.
        var half = Self.fresh()
        #expect(Self.budgets([cemit_spin_tick(spins: 4, timeouts: 2, wait_ns: 0)], policy: &half) == [Self.long])
        // The idle fallback does not grow the contention hold.
        #expect(policy.next_hold == CEMIT_SPIN_HOLD_MIN)
    }

    @Test("the same ticks give the same budgets (no clock, no randomness)")
    func deterministic() {
        let ticks = (0..<3000).map { (index: Int) -> cemit_spin_tick in
            let spins = UInt32(index % 7)
            let timeouts: UInt32 = index % 5 == 0 ? spins : 0
            let wait: Int64 = index % 97 == 0 ? 3 * Self.waitLimit : Int64(index % 13) * 1_000
            return cemit_spin_tick(spins: spins, timeouts: timeouts, wait_ns: wait)
        }
        var first = Self.fresh(), second = Self.fresh()
        #expect(Self.budgets(ticks, policy: &first) == Self.budgets(ticks, policy: &second))
    }
}
