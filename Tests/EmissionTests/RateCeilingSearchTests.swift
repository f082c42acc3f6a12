import Testing
@testable import Emission

@Suite("Rate ceiling search")
struct RateCeilingSearchTests {
    /// A simulated target whose p99 explodes above `capacity`.
    func simulate(capacity: Double, start: Double = 1000) -> RateCeilingSearch {
        var search = RateCeilingSearch(criteria: .init(sloP99Milliseconds: 50, maxErrorRate: 0.01), startRate: start, precision: 0.05)
        while let rate = search.nextRate {
            let overloaded = rate > capacity
            search.record(rate: rate, achieved: overloaded ? capacity : rate, p50Milliseconds: 1,
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
        #expect(search.steps.count < 16)
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
