import Testing
@testable import Autoscale
import Lab

@Suite struct PredictivePolicyTests {
    @Test func provisionsForThePeakWithinTheLeadTime() {
        var policy = PredictivePolicy(configuration: .init(capacityPerInstance: 100, headroom: 1.2, leadTime: 60, maxReplicas: 50))
        let forecast = [RateForecastPoint(time: 0, upperRate: 150), RateForecastPoint(time: 60, upperRate: 900), RateForecastPoint(time: 120, upperRate: 200)]
        let early = policy.decide(now: 0, currentReplicas: 1, forecast: forecast)
        #expect(early.desiredReplicas == 11)  // 900 × 1.2 / 100 = 10.8 → 11, provisioned 60 s ahead
        #expect(early.input("forecast_upper_rps") == 900 && early.reason.contains("900"))
        let before = policy.decide(now: -30, currentReplicas: 1, forecast: forecast)
        #expect(before.desiredReplicas == 2)  // only the 150 req/s step is covered: 1.8 → 2
    }

    @Test func scaleDownWaitsForTheDelay() {
        var policy = PredictivePolicy(configuration: .init(capacityPerInstance: 100, headroom: 1, leadTime: 10, scaleDownDelay: 100, maxReplicas: 50))
        let forecast = [RateForecastPoint(time: 0, upperRate: 800), RateForecastPoint(time: 50, upperRate: 100)]
        #expect(policy.decide(now: 0, currentReplicas: 8, forecast: forecast).desiredReplicas == 8)
        #expect(policy.decide(now: 60, currentReplicas: 8, forecast: forecast).desiredReplicas == 8)
        #expect(policy.decide(now: 101, currentReplicas: 8, forecast: forecast).desiredReplicas == 1)
    }

    /// The predictive policy scales a (simulated) Lab before a forecast spike; the reactive one
    /// only after the spike has arrived. Instances take 20 s to start.
    @Test func predictiveScalesBeforeTheSpikeReactiveAfter() {
        let spec = { var s = LabSpec.default; s.instances = 1; return s }()
        let spikeAt = 60.0
        let rate: (Double) -> Double = { $0 < spikeAt ? 150 : 1100 }
        let forecast = stride(from: 0.0, to: 120, by: 10).map { RateForecastPoint(time: $0, upperRate: rate($0) * 1.1) }
        let simulator = LabSimulator(spec: spec, startupDelay: 20, seed: 11)

        var predictive = PredictivePolicy(configuration: .init(capacityPerInstance: spec.capacityPerInstance, headroom: 1.2, leadTime: 30, maxReplicas: 20))
        var predictiveDecisions: [ScaleDecision] = []
        let predicted = simulator.run(duration: 110, rate: rate) { second, target in
            let decision = predictive.decide(now: Double(second.second + 1), currentReplicas: target, forecast: forecast)
            if decision.changesReplicas { predictiveDecisions.append(decision) }
            return decision.desiredReplicas
        }

        var reactive = ReactivePolicy(configuration: .init(minReplicas: 1, maxReplicas: 20))
        var reactiveDecisions: [ScaleDecision] = []
        let reacted = simulator.run(duration: 110, rate: rate) { second, target in
            let decision = reactive.decide(now: Double(second.second + 1), currentReplicas: target,
                                           metrics: [MetricObservation(name: "utilization", value: second.utilization * 100, target: 60)])
            if decision.changesReplicas { reactiveDecisions.append(decision) }
            return decision.desiredReplicas
        }

        let firstPredictiveUp = predictiveDecisions.first { $0.desiredReplicas > $0.currentReplicas && $0.desiredReplicas >= 4 }
        let firstReactiveUp = reactiveDecisions.first { $0.desiredReplicas >= 4 }
        #expect(firstPredictiveUp.map { $0.time <= spikeAt - 20 } == true, "predictive: \(predictiveDecisions)")
        #expect(firstReactiveUp.map { $0.time > spikeAt } == true, "reactive: \(reactiveDecisions)")
        // At the spike the predictive run already has the instances; the reactive run does not.
        #expect(predicted.seconds[Int(spikeAt)].instances >= 5)
        #expect(reacted.seconds[Int(spikeAt)].instances < 4)
        let rejected = { (r: LabSimulator.Result) in r.seconds[Int(spikeAt)..<Int(spikeAt) + 30].reduce(0) { $0 + $1.rejected } }
        #expect(rejected(predicted) * 10 < rejected(reacted), "503s after the spike: predictive \(rejected(predicted)), reactive \(rejected(reacted))")
    }
}
