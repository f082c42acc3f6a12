import Testing
@testable import Emission

@Suite("Rate ceiling search")
struct RateCeilingSearchTests {
    /// A simulated target whose p99 explodes above `capacity`; `spikes` lists the indexes of
    /// measurements that a host hiccup puts over the SLO whatever the rate.
    func simulate(capacity: Double, start: Double = 1000, confirmations: Int = 1, spikes: Set<Int> = []) -> RateCeilingSearch {
        var search = RateCeilingSearch(criteria: .init(sloP99Milliseconds: 50, maxErrorRate: 0.01), startRate: start,
                                       precision: 0.05, confirmations: confirmations)
        while let rate = search.nextRate {
            let overloaded = rate > capacity || spikes.contains(search.steps.count)
            search.record(rate: rate, achieved: rate > capacity ? capacity : rate, p50Milliseconds: 1,
                          p99Milliseconds: overloaded ? 900 : 5, errors: 0, errorRate: 0)
        }
        return search
    }

    @Test("doubles, then bisects to within the precision of the real capacity")
    func findsCapacity() throws {
        let search = simulate(capacity: 37_000)
        let ceiling = try #require(search.ceiling)
        #expect(ceiling <= 37_000)
        #expect(ceiling >= 37_000 * 0.94)
        #expect(Array(search.steps.prefix(7).map(\.rate)) == [1000, 2000, 4000, 8000, 16000, 32000, 64000])
        #expect(search.steps.count < 24, "converged before the step limit")
    }

    @Test("a failing step is measured again: one hiccup does not pull the ceiling down, a real failure still counts")
    func confirmsFailures() throws {
        // the 6th measurement (at 32,000, well under the capacity) is a hiccup
        let confirmed = simulate(capacity: 100_000, spikes: [5])
        #expect(try #require(confirmed.ceiling) >= 100_000 * 0.94)
        #expect(confirmed.steps[5].rate == 32_000 && !confirmed.steps[5].passed)
        #expect(confirmed.steps[6].rate == 32_000 && confirmed.steps[6].passed, "measured again, and passed")
        // without confirmations the hiccup decides: the search bisects below 32,000
        let believed = simulate(capacity: 100_000, confirmations: 0, spikes: [5])
        #expect(try #require(believed.ceiling) < 32_000)
        // a rate over the capacity fails every try: each failing rate appears twice in a row
        let failing = confirmed.steps.enumerated().filter { !$0.element.passed && $0.offset != 5 }
        #expect(!failing.isEmpty)
        for (i, step) in failing where i > 0 && confirmed.steps[i - 1].rate != step.rate {
            #expect(i + 1 < confirmed.steps.count && confirmed.steps[i + 1].rate == step.rate && !confirmed.steps[i + 1].passed)
        }
        #expect(confirmed.steps.count < 24, "converged before the step limit")
    }

    @Test("a target failing at the first rate searches downwards")
    func failsImmediately() throws {
        let search = simulate(capacity: 300, start: 1000)
        #expect(search.steps.first?.passed == false)
        let ceiling = try #require(search.ceiling)
        #expect(ceiling <= 300 && ceiling >= 250)
    }

    @Test("errors above the limit fail a step even with good latency")
    func errorsFail() {
        let search = RateCeilingSearch(criteria: .init(sloP99Milliseconds: 50, maxErrorRate: 0.01))
        #expect(!search.passes(rate: 1000, achieved: 1000, p99Milliseconds: 1, errorRate: 0.02))
        #expect(!search.passes(rate: 1000, achieved: 800, p99Milliseconds: 1, errorRate: 0))
        #expect(search.passes(rate: 1000, achieved: 990, p99Milliseconds: 49, errorRate: 0.005))
    }
}
