import Foundation
import Profiler
import Synthesis
import Testing
import Traffic

@Suite("Arrivals follow the forecast")
struct ArrivalTests {
    /// Counts of send times per `width`-second bucket.
    static func histogram(_ generator: ScheduleGenerator, width: Double, buckets: Int) -> [Int] {
        var counts = [Int](repeating: 0, count: buckets)
        while let chunk = generator.nextChunk() {
            for entry in chunk.entries { counts[min(buckets - 1, Int(Double(entry.sendAtNanos) / 1e9 / width))] += 1 }
        }
        return counts
    }

    // Tolerance: each step's count is Poisson, so it must lie within 5 standard deviations
    // (sqrt of the expected count) of the forecast's value.
    @Test("open arrivals per step match the chosen quantile", arguments: [0.5, 0.9, 0.1, 0.7])
    func perStepCounts(quantile: Double) throws {
        let profile = ExampleProfile.shop(forecastSteps: 6, medianPerStep: 600)
        // A minute per step compressed 6× → 10 s per step.
        let generator = try ScheduleGenerator(profile: profile, options: options(duration: 60) {
            $0.curve = .quantile(quantile)
            $0.timeCompression = 6
        })
        #expect(generator.plan.source == .forecastQuantile(model: "test", quantile: quantile))
        let counts = Self.histogram(generator, width: 10, buckets: 6)
        let factor = quantile <= 0.1 ? 0.5 : quantile >= 0.9 ? 1.5 : quantile <= 0.5 ? 0.5 + (quantile - 0.1) / 0.4 * 0.5 : 1 + (quantile - 0.5) / 0.4 * 0.5
        for (step, count) in counts.enumerated() {
            let expected = 600 * (step % 2 == 0 ? 1 : 2) * factor
            #expect(abs(Double(count) - expected) < 5 * expected.squareRoot(), "step \(step): \(count) vs \(expected)")
        }
    }

    @Test("absolute rate and scale overrides")
    func rateOverrides() throws {
        let profile = ExampleProfile.shop(forecastSteps: 6, medianPerStep: 600)
        let absolute = try ScheduleGenerator(profile: profile, options: options(duration: 5) { $0.rate = .absolute(2000) })
        let total = Self.histogram(absolute, width: 5, buckets: 1)[0]
        #expect(abs(Double(total) - 10_000) < 5 * 100)
        let scaled = try ScheduleGenerator(profile: profile, options: options(duration: 30) { $0.rate = .scale(3) })
        let scaledTotal = Self.histogram(scaled, width: 30, buckets: 1)[0]
        // 30 s of the first step: 600 per 60 s × 3.
        #expect(abs(Double(scaledTotal) - 900) < 5 * 30)
    }

    @Test("inter-arrival times inside a step are exponential (Kolmogorov–Smirnov)")
    func exponentialGaps() throws {
        let profile = ExampleProfile.shop(forecastSteps: 1, medianPerStep: 60_000)
        let generator = try ScheduleGenerator(profile: profile, options: options(duration: 5))
        var times: [Double] = []
        while let chunk = generator.nextChunk() { times += chunk.entries.map { Double($0.sendAtNanos) / 1e9 } }
        let gaps = zip(times, times.dropFirst()).map { $1 - $0 }
        let rate = 1000.0
        #expect(ksDistance(gaps) { 1 - exp(-rate * $0) } < 1.63 / Double(gaps.count).squareRoot())
    }

    @Test("evenly spaced arrivals: one every 1/rate seconds in each step, each step's exact count, the remainder carried across steps")
    func evenArrivals() throws {
        let profile = ExampleProfile.shop(forecastSteps: 6, medianPerStep: 600)
        // 10 s steps at 60 and 120 requests per second, alternately
        let generator = try ScheduleGenerator(profile: profile, options: options(duration: 60) {
            $0.arrivals = .even
            $0.timeCompression = 6
        })
        var times: [Int64] = []
        while let chunk = generator.nextChunk() { times += chunk.entries.map(\.sendAtNanos) }
        #expect(abs(times.count - 6 * 900) <= 1)
        for step in 0..<6 {
            let inStep = times.filter { $0 >= Int64(step) * 10_000_000_000 && $0 < Int64(step + 1) * 10_000_000_000 }
            let rate = step % 2 == 0 ? 60.0 : 120.0
            #expect(abs(inStep.count - Int(rate * 10)) <= 1, "step \(step): \(inStep.count)")
            let gaps = zip(inStep, inStep.dropFirst()).map { Double($1 - $0) / 1e9 }
            // whole nanoseconds: each send time is rounded down once, so a gap is within 1 ns of 1 / rate
            #expect(gaps.allSatisfy { abs($0 - 1 / rate) <= 1.5e-9 }, "step \(step): gaps \(gaps.min()!)…\(gaps.max()!)")
        }
        // the same options and seed give the same times; other seeds too (no draw involved)
        let again = try ScheduleGenerator(profile: profile, options: options(duration: 60) {
            $0.arrivals = .even
            $0.timeCompression = 6
            $0.seed = 99
        })
        var timesAgain: [Int64] = []
        while let chunk = again.nextChunk() { timesAgain += chunk.entries.map(\.sendAtNanos) }
        #expect(timesAgain == times)
    }

    @Test("without a forecast the history shape drives the rate, and says so")
    func historyFallback() throws {
        let profile = ExampleProfile.shop(forecastSteps: 0)
        let generator = try ScheduleGenerator(profile: profile, options: options(duration: 30) { $0.timeCompression = 60 })
        #expect(generator.plan.source == .history)
        // History: 100, 150, 200, … per 60 s step; compressed 60× → one step per second.
        let counts = Self.histogram(generator, width: 1, buckets: 30)
        for (step, count) in counts.enumerated() {
            let expected = Double(100 + 50 * (step % 3))
            #expect(abs(Double(count) - expected) < 5 * expected.squareRoot())
        }
    }

    @Test("a sampled path stays between the outer quantiles")
    func sampledPath() throws {
        let profile = ExampleProfile.shop(forecastSteps: 10, medianPerStep: 600)
        let generator = try ScheduleGenerator(profile: profile, options: options(duration: 100) {
            $0.curve = .sampledPath
            $0.timeCompression = 6
        })
        for (step, segment) in generator.plan.segments.enumerated() {
            let median = 600.0 * (step % 2 == 0 ? 1 : 2) / 60 * 6
            #expect(segment.rate >= median * 0.5 - 1e-9 && segment.rate <= median * 1.5 + 1e-9)
        }
        #expect(Set(generator.plan.segments.map(\.rate)).count > 2)
    }

    @Test("sessions walk the route chain: entries and transitions follow the model")
    func sessions() throws {
        let profile = ExampleProfile.shop(forecastSteps: 1, medianPerStep: 60_000)
        let generator = try ScheduleGenerator(profile: profile, options: options(duration: 20) {
            $0.arrivals = .sessions
            $0.timeCompression = 10
        })
        var routes = [Int](repeating: 0, count: 6)
        var total = 0
        while let chunk = generator.nextChunk() {
            for entry in chunk.entries { routes[Int(entry.route)] += 1; total += 1 }
        }
        #expect(total > 1000)
        // Only chain routes appear; /checkout never without /cart before it in the chain.
        #expect(routes[4] == 0 && routes[5] == 0)
        #expect(routes[3] < routes[2])
        #expect(routes[2] < routes[0])
    }
}
