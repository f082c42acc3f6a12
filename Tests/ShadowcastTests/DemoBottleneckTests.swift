import Foundation
import Testing
@testable import Shadowcast

/// The demo's bottleneck finding names the route that fills the secondary's workers, not the
/// cheap route that merely waits in the same queue.
@Suite("Demo bottleneck finding")
struct DemoBottleneckTests {
    /// Results of a run whose routes each have `count` requests around `ms` milliseconds.
    static func results(_ routes: [String: (count: UInt64, ms: Double)]) -> RunResults {
        var all: [(value: UInt64, count: UInt64)] = []
        var byRoute: [String: RunResults] = [:]
        for (name, route) in routes {
            // A spread of ±20% around the centre, so the significance test has a distribution.
            let pairs = (0..<5).map { i in (value: UInt64(route.ms * 1000 * (0.8 + 0.1 * Double(i))), count: route.count / 5) }
            all += pairs
            byRoute[name] = RunResults(requests: route.count, durationSeconds: 60, errors: [:], buckets: LatencyBuckets(pairs: pairs))
        }
        let total = routes.values.reduce(0) { $0 + $1.count }
        return RunResults(requests: total, durationSeconds: 60, errors: [:], buckets: LatencyBuckets(pairs: all), routes: byRoute)
    }

    @Test("the costly route that regressed is named, not the cheap one with the larger slowdown ratio")
    func namesTheRouteThatFillsTheWorkers() throws {
        // Both routes wait ~150 ms more in the saturated secondary's queue; static's ratio is
        // hundreds, checkout's 2.5, but checkout holds the workers 200× longer per request.
        let primary = Self.results(["checkout": (1000, 100), "static": (5000, 0.5)])
        let secondary = Self.results(["checkout": (1000, 250), "static": (5000, 150)])
        let comparison = Comparator().compare(primary: primary, secondary: secondary)
        #expect(comparison.routes.allSatisfy { $0.verdict == .regression })
        let finding = try #require(ComparisonSections.bottleneck(comparison))
        #expect(finding.sentence.hasPrefix("Bottleneck: checkout took ") && finding.sentence.contains("of the secondary's worker time"))
        #expect(finding.severity == .critical)  // p99 at least 2× the primary's
        // checkout 1000 × its primary median vs static 5000 × its median.
        let checkout = try #require(comparison.routes.first { $0.route == "checkout" })
        let staticRoute = try #require(comparison.routes.first { $0.route == "static" })
        let expected = 1000 * checkout.primaryP50 / (1000 * checkout.primaryP50 + 5000 * staticRoute.primaryP50)
        let share = try #require(finding.numbers.first { $0.name == "worker_time_share" })
        #expect(abs(share.value - expected) < 1e-9 && share.value > 0.95)
    }

    @Test("no regression, no bottleneck")
    func quietWhenNothingRegressed() {
        let same = Self.results(["checkout": (1000, 100), "static": (5000, 0.5)])
        #expect(ComparisonSections.bottleneck(Comparator().compare(primary: same, secondary: same)) == nil)
    }
}
