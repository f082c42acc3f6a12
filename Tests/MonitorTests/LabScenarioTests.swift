import Lab
import Testing
import Traffic
@testable import Monitor

/// End-to-end checks of Monitor against the Lab simulator (seeded, virtual time, no network).
@Suite struct LabScenarioTests {
    /// A simulated run turned into Monitor's inputs (the adapter an emission result will get).
    static func summary(_ spec: LabSpec, rate: Double, seconds: Double = 20, seed: UInt64) -> RunResults {
        let result = LabSimulator(spec: spec, seed: seed, recordRequests: true).run(duration: seconds, rate: { _ in rate })
        var series = TrafficSeries()
        for request in result.requests {
            series.add(RequestObservation(
                time: request.time, route: request.route,
                latencyMicros: request.status == 200 ? UInt64(request.latency * 1_000_000) : nil, status: request.status))
        }
        return RunResults(series: series)
    }

    @Test func identicalLabsShowNoRegression() {
        let spec = LabSpec.default
        let rate = spec.configuredCapacity * 0.4
        for seeds in [(1, 2), (3, 4), (5, 6)] as [(UInt64, UInt64)] {
            let report = Comparator().compare(primary: Self.summary(spec, rate: rate, seed: seeds.0),
                                              secondary: Self.summary(spec, rate: rate, seed: seeds.1))
            #expect(report.loadMatched)
            #expect(report.routes.allSatisfy { $0.verdict != .regression }, "\(report.findings)")
            #expect(report.findings.map(\.kind) == [.noRegression], "\(report.findings)")
        }
    }

    @Test func flagsAnInjectedTwofoldSlowdownOnOneRoute() throws {
        let spec = LabSpec.default
        let rate = spec.configuredCapacity * 0.3
        let report = Comparator().compare(primary: Self.summary(spec, rate: rate, seed: 21),
                                          secondary: Self.summary(spec.slowingDown(route: "search", by: 2), rate: rate, seed: 22))
        let regressed = report.routes.filter { $0.verdict == .regression }.map(\.route)
        #expect(regressed == ["search"], "\(report.findings)")
        #expect(report.routes.first?.route == "search")  // ranked first by degradation
        let search = try #require(report.routes.first)
        #expect(search.p50Ratio > 1.7 && search.p50Ratio < 2.3 && search.latencyPValue < 0.001)
        let finding = try #require(report.findings.first { $0.kind == .latencyRegression })
        #expect(finding.route == "search" && finding.severity == .critical)
        #expect(finding.message.hasPrefix("search: p") && finding.message.contains("slower on secondary") && finding.message.contains("×"))
    }

    @Test func flagsErrorsWhenTheSecondaryHasLessCapacity() throws {
        let spec = LabSpec.default
        var smaller = spec
        smaller.instances = 1
        let rate = spec.configuredCapacity * 0.8
        let report = Comparator().compare(primary: Self.summary(spec, rate: rate, seconds: 20, seed: 31),
                                          secondary: Self.summary(smaller, rate: rate, seconds: 20, seed: 32))
        #expect(report.overall.errorRegression)
        #expect(report.findings.contains { $0.kind == .errorRegression })
        #expect(report.findings.contains { $0.kind == .bottleneckRanking })
    }

    /// A ramp over the simulated Lab: the knee must land within 10% of its configured capacity.
    @Test func kneeIsWithinTenPercentOfConfiguredCapacity() throws {
        let spec = LabSpec.default
        let capacity = spec.configuredCapacity
        let steps = stride(from: 0.7, through: 1.3, by: 0.05).map { fraction -> LoadStep in
            let rate = capacity * fraction
            let seconds = LabSimulator(spec: spec, seed: UInt64(fraction * 100)).run(duration: 14, rate: { _ in rate }).seconds.dropFirst(4)
            let offered = seconds.reduce(0) { $0 + $1.offered }, rejected = seconds.reduce(0) { $0 + $1.rejected }
            let p99 = seconds.map(\.p99).sorted()[seconds.count / 2] * 1000
            return LoadStep(offeredRate: rate, achievedRate: Double(offered - rejected) / Double(seconds.count), p99Ms: p99,
                            errorRate: Double(rejected) / Double(offered),
                            utilization: seconds.reduce(0) { $0 + $1.utilization } / Double(seconds.count))
        }
        let knee = try #require(CapacityKnee.find(steps: steps, slo: ServiceLevelObjective(p99Ms: 2000, maxErrorRate: 0.01)))
        #expect(abs(knee.rate - capacity) / capacity < 0.10, "knee \(knee.rate) vs capacity \(capacity): \(knee.finding)")
        #expect(knee.finding.message.hasPrefix("Capacity knee at ≈ "))
        let feedback = CapacityFeedback(knee: knee, instances: spec.instances)
        #expect(abs(feedback.capacityPerInstance - spec.capacityPerInstance) / spec.capacityPerInstance < 0.10)
        #expect(CapacityKnee.find(steps: Array(steps.prefix(2)), slo: ServiceLevelObjective(p99Ms: 2000)) == nil)
    }

    @Test func kneeInterpolatesOnTheBrokenLimit() throws {
        let steps = [
            LoadStep(offeredRate: 100, achievedRate: 100, p99Ms: 50, errorRate: 0),
            LoadStep(offeredRate: 200, achievedRate: 200, p99Ms: 150, errorRate: 0),
            LoadStep(offeredRate: 300, achievedRate: 250, p99Ms: 350, errorRate: 0.002),
        ]
        let knee = try #require(CapacityKnee.find(steps: steps, slo: ServiceLevelObjective(p99Ms: 250, maxErrorRate: 0.01)))
        #expect(knee.rate == 250 && knee.limit == "p99" && knee.lastGoodRate == 200)
        #expect(knee.finding.message == "Capacity knee at ≈ 250 req/s: p99 crossed the 250 ms SLO (350 ms at 300 req/s) between 200 req/s (p99 150 ms, errors 0.00%) and 300 req/s.")
    }

    @Test func saturationWhenUtilizationStaysHighAndLatencyClimbs() throws {
        let spec = LabSpec.default
        let ramp = LabSimulator(spec: spec, seed: 41).run(duration: 60, rate: { t in spec.configuredCapacity * (0.3 + t / 60) })
        let samples = ramp.seconds.map { SaturationSample(time: Double($0.second), utilization: $0.utilization, p99Ms: $0.p99 * 1000) }
        let finding = try #require(SaturationDetector().detect(samples, subject: "The secondary"))
        #expect(finding.kind == .saturation && finding.message.hasPrefix("The secondary saturated from t="))
        let calm = LabSimulator(spec: spec, seed: 42).run(duration: 30, rate: { _ in spec.configuredCapacity * 0.4 })
        #expect(SaturationDetector().detect(calm.seconds.map { SaturationSample(time: Double($0.second), utilization: $0.utilization, p99Ms: $0.p99 * 1000) }) == nil)
    }
}

@Suite struct SeriesTests {
    @Test func perSecondSeriesFromLogRecords() {
        var records: [RequestRecord] = []
        for i in 0..<100 {
            records.append(RequestRecord(time: 1000 + Double(i) / 100, method: "GET", path: "/a", status: i < 5 ? 503 : (i < 10 ? 404 : 200), latency: Double(i + 1) / 1000))
        }
        for i in 0..<10 {
            records.append(RequestRecord(time: 1002.5, method: "POST", path: "/b", status: 200, latency: 0.5 + Double(i) / 100))
        }
        records.append(RequestRecord(time: 1002.7, method: "GET", path: "/c"))  // no status or latency
        var series = TrafficSeries()
        series.add(records: records)
        #expect(series.routes == ["GET /a", "GET /c", "POST /b"])
        let a = series.points(route: "GET /a")
        #expect(a.map(\.second) == [1000, 1001, 1002])
        #expect(a[0].rate == 100 && a[1].rate == 0)
        #expect(a[0].errorRate == 0.05)  // 503s count, 404s do not
        #expect(abs(a[0].p50 - 50) < 0.1 && abs(a[0].p99 - 99) < 0.1)
        let overall = series.points()
        #expect(overall[2].rate == 11 && overall[2].errorRate == 0)
        #expect(abs(series.points(route: "POST /b")[2].p99 - 590) < 1)
    }

    @Test func forecastFeedbackComparesRateAndMix() {
        var series = TrafficSeries()
        for second in 0..<10 {
            for i in 0..<120 {
                series.add(RequestObservation(time: Double(second) + Double(i) / 120, route: i % 4 == 0 ? "/search" : "/", latencyMicros: 1000, status: 200))
            }
        }
        let feedback = ForecastFeedback.compare(predictedRate: 100, predictedMix: ["/": 0.5, "/search": 0.5], observed: series, from: 0, to: 10)
        #expect(feedback.observedRate == 120)
        #expect(abs(feedback.rateError - 0.2) < 1e-9)
        #expect(abs(feedback.observedMix["/search"]! - 0.25) < 1e-9)
        #expect(abs(feedback.mixDistance - 0.25) < 1e-9)
    }
}

@Suite struct LoadStepTests {
    @Test func stepsFromASeries() throws {
        var series = TrafficSeries()
        // 10 s at 100 req/s, all 10 ms; then 10 s at 200 req/s, 10% 503s, 99th percentile at 300 ms.
        for second in 0..<10 {
            for i in 0..<100 { series.add(RequestObservation(time: Double(second) + Double(i) / 100, route: "/", latencyMicros: 10_000, status: 200)) }
        }
        for second in 10..<20 {
            for i in 0..<200 {
                let failed = i % 10 == 0
                series.add(RequestObservation(time: Double(second) + Double(i) / 200, route: "/",
                                              latencyMicros: failed ? nil : (i % 100 == 1 ? 300_000 : 20_000), status: failed ? 503 : 200))
            }
        }
        let steps = LoadStep.steps(from: series, windows: [(100, 2...9), (200, 12...19)])
        #expect(steps[0].achievedRate == 100 && steps[0].errorRate == 0 && abs(steps[0].p99Ms - 10) < 0.1)
        #expect(steps[1].achievedRate == 180 && abs(steps[1].errorRate - 0.1) < 1e-9)
        #expect(abs(steps[1].p99Ms - 300) < 1)
        let knee = try #require(CapacityKnee.find(steps: steps, slo: ServiceLevelObjective(p99Ms: 250, maxErrorRate: 0.05)))
        #expect(knee.limit == "errors" || knee.limit == "p99")
        #expect(knee.rate > 100 && knee.rate < 200)
    }
}

@Suite struct FaultComparisonTests {
    @Test func flagsInjectedErrorsOnOneRouteOnly() throws {
        let spec = LabSpec.default
        let rate = spec.configuredCapacity * 0.3
        let report = Comparator().compare(
            primary: LabScenarioTests.summary(spec, rate: rate, seed: 51),
            secondary: LabScenarioTests.summary(spec.failing(route: "cart", rate: 0.05), rate: rate, seed: 52))
        #expect(report.routes.filter { $0.verdict == .regression }.map(\.route) == ["cart"], "\(report.findings)")
        let finding = try #require(report.findings.first { $0.kind == .errorRegression })
        #expect(finding.route == "cart" && finding.message.hasPrefix("cart: error rate "))
    }
}
