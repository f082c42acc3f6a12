import Testing
@testable import Autoscale

/// Cases from the Kubernetes HPA documentation ("Algorithm details", "Configurable scaling
/// behavior"), run through the reactive policy.
@Suite struct ReactivePolicyTests {
    struct Step: CustomStringConvertible {
        var time: Double
        var current: Int
        var value: Double
        var target: Double = 100
        var expected: Int
        var description: String { "t=\(time) current=\(current) value=\(value) -> \(expected)" }
    }

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var configuration: ReactiveConfiguration
        var steps: [(Double, Int, Double, Int)]  // time, current, metric (target 100), expected
        var testDescription: String { name }
    }

    static let docScaleDown = ScalingRules(
        stabilizationWindow: 0,
        policies: [ScalingPolicy(.pods, value: 4, periodSeconds: 60), ScalingPolicy(.percent, value: 10, periodSeconds: 60)])

    static let cases: [Case] = [
        Case(name: "200m of 100m doubles the replicas", configuration: .init(maxReplicas: 10),
             steps: [(0, 4, 200, 8)]),
        Case(name: "ratio within tolerance 0.1 keeps the count", configuration: .init(maxReplicas: 50),
             steps: [(0, 10, 108, 10), (1, 10, 91, 10)]),
        Case(name: "ratio just past tolerance rounds up", configuration: .init(maxReplicas: 50),
             steps: [(0, 10, 111, 12)]),
        Case(name: "50m of 100m halves once the scale-down window allows",
             configuration: .init(maxReplicas: 10, scaleDown: ScalingRules(stabilizationWindow: 0, policies: [ScalingPolicy(.percent, value: 100, periodSeconds: 15)])),
             steps: [(0, 4, 50, 2)]),
        Case(name: "default scale-up: max(double, +4) per 15 s", configuration: .init(maxReplicas: 100),
             steps: [(0, 1, 1000, 5), (15, 5, 1000, 10), (20, 10, 1000, 10), (30, 10, 1000, 20)]),
        Case(name: "doc scale-down: 10% or 4 pods per minute, selectPolicy Max",
             configuration: .init(maxReplicas: 100, scaleDown: docScaleDown),
             steps: [(0, 80, 12.5, 72), (60, 72, 13.9, 64), (120, 64, 15.6, 57)]),
        Case(name: "below 40 replicas the Pods policy removes more",
             configuration: .init(maxReplicas: 100, scaleDown: docScaleDown),
             steps: [(0, 30, 10, 26)]),
        Case(name: "selectPolicy Min picks the smaller change",
             configuration: .init(maxReplicas: 100, scaleDown: ScalingRules(stabilizationWindow: 0, policies: docScaleDown.policies, select: .min)),
             steps: [(0, 80, 12.5, 76)]),
        Case(name: "selectPolicy Disabled never scales down",
             configuration: .init(maxReplicas: 100, scaleDown: ScalingRules(stabilizationWindow: 0, policies: docScaleDown.policies, select: .disabled)),
             steps: [(0, 10, 20, 10)]),
        Case(name: "default 300 s down-stabilization keeps the highest recent recommendation",
             configuration: .init(maxReplicas: 20),
             steps: [(0, 10, 100, 10), (60, 10, 50, 10), (150, 10, 50, 10), (285, 10, 50, 10), (300, 10, 50, 5)]),
        Case(name: "scale-up stabilization window takes the lowest recent recommendation",
             configuration: .init(maxReplicas: 50, scaleUp: ScalingRules(stabilizationWindow: 60, policies: ScalingRules.kubernetesScaleUp.policies)),
             steps: [(0, 4, 100, 4), (30, 4, 300, 4), (61, 4, 300, 8)]),
        Case(name: "capped at maxReplicas", configuration: .init(minReplicas: 1, maxReplicas: 5),
             steps: [(0, 3, 1000, 5)]),
        Case(name: "current above max goes to max at once", configuration: .init(maxReplicas: 10),
             steps: [(0, 12, 100, 10)]),
        Case(name: "floored at minReplicas",
             configuration: .init(minReplicas: 2, maxReplicas: 10, scaleDown: ScalingRules(stabilizationWindow: 0, policies: [ScalingPolicy(.percent, value: 100, periodSeconds: 15)])),
             steps: [(0, 4, 10, 2)]),
    ]

    @Test(arguments: cases)
    func matchesKubernetes(_ testCase: Case) {
        var policy = ReactivePolicy(configuration: testCase.configuration)
        for (time, current, value, expected) in testCase.steps {
            let decision = policy.decide(now: time, currentReplicas: current, metrics: [MetricObservation(name: "cpu", value: value, target: 100)])
            #expect(decision.desiredReplicas == expected, "t=\(time) current=\(current) value=\(value): \(decision)")
        }
    }

    @Test func largestMetricWinsAndDecisionCarriesItsInputs() {
        var policy = ReactivePolicy(configuration: .init(maxReplicas: 20))
        let decision = policy.decide(now: 0, currentReplicas: 4, metrics: [
            MetricObservation(name: "cpu", value: 150, target: 100),
            MetricObservation(name: "rps", value: 250, target: 100),
        ])
        #expect(decision.desiredReplicas == 8)  // rps: ceil(4 × 2.5) = 10, limited to 4 × 2 = 8 per 15 s
        #expect(decision.input("rps") == 250 && decision.input("cpu_target") == 100 && decision.input("raw_recommendation") == 10)
        #expect(decision.reason.contains("rps ratio 2.5") && decision.reason.contains("scale-up policy"))
    }

    @Test func zeroReplicasMeansScalingDisabled() {
        var policy = ReactivePolicy(configuration: .init(minReplicas: 1, maxReplicas: 5))
        #expect(policy.decide(now: 0, currentReplicas: 0, metrics: [MetricObservation(name: "cpu", value: 500, target: 100)]).desiredReplicas == 0)
    }
}
