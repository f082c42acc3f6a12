import Testing
@testable import Lab

@Suite struct LabSimulatorTests {
    @Test func belowCapacityServesEverythingAtMatchingUtilization() {
        let spec = LabSpec.default
        let rate = spec.configuredCapacity * 0.5
        let result = LabSimulator(spec: spec, seed: 3).run(duration: 30, rate: { _ in rate })
        let steady = result.seconds.dropFirst(2)
        let rejected = steady.reduce(0) { $0 + $1.rejected }
        let utilization = steady.reduce(0) { $0 + $1.utilization } / Double(steady.count)
        let completedRate = Double(steady.reduce(0) { $0 + $1.completed }) / Double(steady.count)
        #expect(rejected == 0)
        #expect(abs(utilization - 0.5) < 0.06, "utilization \(utilization)")
        #expect(abs(completedRate - rate) / rate < 0.06, "completed \(completedRate)/s at offered \(rate)/s")
    }

    @Test func overloadSaturatesAtConfiguredCapacityAndRejects() {
        let spec = LabSpec.default
        let result = LabSimulator(spec: spec, seed: 4).run(duration: 20, rate: { _ in spec.configuredCapacity * 1.5 })
        let steady = result.seconds.dropFirst(5)
        let completedRate = Double(steady.reduce(0) { $0 + $1.completed }) / Double(steady.count)
        #expect(abs(completedRate - spec.configuredCapacity) / spec.configuredCapacity < 0.08, "completed \(completedRate)/s")
        #expect(steady.allSatisfy { $0.rejected > 0 })
        #expect(steady.allSatisfy { $0.utilization > 0.95 })
    }

    @Test func sameSeedSameRun() {
        let simulator = LabSimulator(spec: .default, seed: 9, recordRequests: true)
        let a = simulator.run(duration: 5, rate: { _ in 300 })
        let b = simulator.run(duration: 5, rate: { _ in 300 })
        #expect(a.seconds == b.seconds)
        #expect(a.requests == b.requests)
        let c = LabSimulator(spec: .default, seed: 10, recordRequests: true).run(duration: 5, rate: { _ in 300 })
        #expect(a.requests != c.requests)
    }

    @Test func controllerScalesAfterStartupDelay() {
        let spec = LabSpec.default
        var asked = false
        let result = LabSimulator(spec: spec, startupDelay: 3, seed: 5).run(duration: 10, rate: { _ in 100 }) { second, target in
            if second.second == 1 && !asked { asked = true; return 5 }
            return nil
        }
        // Asked at the end of second 1 (t = 2): instances come up at t = 5, visible at the end of second 5.
        #expect(result.seconds[3].instances == 2)
        #expect(result.seconds[5].instances == 5)
    }
}

@Suite struct LabFaultTests {
    @Test func injectedErrorRateShowsUpInTheSimulator() {
        let spec = LabSpec.default.failing(route: "cart", rate: 0.2)
        let result = LabSimulator(spec: spec, seed: 12, recordRequests: true).run(duration: 20, rate: { _ in 200 })
        let cart = result.requests.filter { $0.route == "cart" }
        let failedShare = Double(cart.count { $0.status == 500 }) / Double(cart.count)
        #expect(abs(failedShare - 0.2) < 0.04, "cart 500 share \(failedShare)")
        #expect(result.requests.filter { $0.route != "cart" }.allSatisfy { $0.status == 200 })
        let failed = result.seconds.reduce(0) { $0 + $1.failed }
        #expect(failed == cart.count { $0.status == 500 })
    }

    @Test func errorRateOutsideZeroOneIsRejected() {
        let yaml = """
            routes:
              - {name: a, path: /a, error_rate: 1.5, service_time: {distribution: constant, ms: 1}}
            """
        #expect { try LabSpec.parse(yaml: yaml, source: "f.yaml") } throws: { "\($0)".contains("routes[0].error_rate") }
    }
}
