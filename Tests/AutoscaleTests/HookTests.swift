import Foundation
import Logging
import NIOConcurrencyHelpers
import Testing
@testable import Autoscale
import Lab

@Suite(.serialized) struct HookTests {
    let decision = ScaleDecision(time: 12, policy: "predictive", currentReplicas: 2, desiredReplicas: 5,
                                 inputs: [.init("forecast_upper_rps", 900)], reason: "spike ahead")

    @Test func templateSplitsLikeAShellAndSubstitutes() throws {
        let hook = try CommandHook(template: #"kubectl scale deployment/web --replicas={replicas} -l 'app=web shop' "from {current}""#)
        #expect(hook.arguments(for: decision) == ["kubectl", "scale", "deployment/web", "--replicas=5", "-l", "app=web shop", "from 2"])
        #expect(throws: ScaleHookError.self) { try CommandHook(template: "echo 'open") }
        #expect(throws: ScaleHookError.self) { try CommandHook(template: "   ") }
    }

    @Test func commandHookRunsWithTheRenderedArguments() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("scale-\(UUID().uuidString).txt")
        defer { try? FileManager.default.removeItem(at: file) }
        let hook = try CommandHook(template: "sh -c 'printf \"%s|\" \"$@\" > \(file.path)' scale deployment/web --replicas={replicas} --policy={policy}")
        try await hook.apply(decision)
        let written = try String(contentsOf: file, encoding: .utf8)
        #expect(written == "deployment/web|--replicas=5|--policy=predictive|")
    }

    @Test func commandPastItsTimeoutIsTerminatedAndFails() async throws {
        let hook = try CommandHook(template: "sleep 5", timeout: 0.3)
        let started = ContinuousClock.now
        await #expect(throws: ScaleHookError.self) { try await hook.apply(decision) }
        #expect(ContinuousClock.now - started < .seconds(3))
        await #expect(throws: ScaleHookError.self) { try await CommandHook(template: "/nonexistent/kubectl x").apply(decision) }
    }

    @Test func failingCommandIsReportedAndRetriedNotThrown() async throws {
        let waits = NIOLockedValueBox<[Double]>([])
        let actuator = ScaleActuator(
            hooks: [try CommandHook(template: "sh -c 'echo nope >&2; exit 3'")],
            retry: RetryPolicy(maxAttempts: 3, initialBackoff: 0.25, multiplier: 2),
            sleep: { seconds in waits.withLockedValue { $0.append(seconds) } })
        let outcomes = await actuator.handle(decision)
        #expect(outcomes.count == 1)
        #expect(outcomes[0].succeeded == false && outcomes[0].attempts == 3)
        #expect(outcomes[0].error?.contains("exit status 3") == true && outcomes[0].error?.contains("nope") == true)
        #expect(waits.withLockedValue { $0 } == [0.25, 0.5])
    }

    @Test func retrySucceedsAfterTransientFailures() async {
        final class Flaky: ScaleHook {
            let calls = NIOLockedValueBox(0)
            var name: String { "flaky" }
            func apply(_ decision: ScaleDecision) async throws {
                let call = calls.withLockedValue { $0 += 1; return $0 }
                if call < 3 { throw ScaleHookError(hook: name, message: "transient \(call)") }
            }
        }
        let flaky = Flaky()
        let actuator = ScaleActuator(hooks: [flaky], retry: RetryPolicy(maxAttempts: 5, initialBackoff: 0.1), sleep: { _ in })
        let outcomes = await actuator.handle(decision)
        #expect(outcomes == [HookOutcome(hook: "flaky", attempts: 3, succeeded: true, error: nil, dryRun: false)])
    }

    @Test func dryRunAndNoChangeCallNoHook() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("dry-\(UUID().uuidString)")
        let hook = try CommandHook(template: "touch \(file.path)")
        let dry = await ScaleActuator(hooks: [hook], dryRun: true).handle(decision)
        #expect(dry.first?.dryRun == true && dry.first?.attempts == 0)
        var same = decision
        same.desiredReplicas = same.currentReplicas
        #expect(await ScaleActuator(hooks: [hook]).handle(same).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: file.path))
    }

    @Test func webhookPostsTheDecisionAsJSON() async throws {
        let receiver = try await TinyHTTPReceiver.start()
        defer { receiver.stop() }
        let hook = HTTPScaleHook.webhook(url: "http://127.0.0.1:\(receiver.port)/scale?to={replicas}", headers: ["X-Token": "t"])
        try await hook.apply(decision)
        let request = try #require(receiver.requests.first)
        #expect(request.head.hasPrefix("POST /scale?to=5 HTTP/1.1"))
        #expect(request.head.lowercased().contains("x-token: t"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(request.body.utf8)) as? [String: Any])
        #expect(json["replicas"] as? Int == 5 && json["current"] as? Int == 2 && json["policy"] as? String == "predictive")
        #expect(json["reason"] as? String == "spike ahead")
        #expect((json["inputs"] as? [String: Double])?["forecast_upper_rps"] == 900)

        receiver.status = 500
        await #expect(throws: ScaleHookError.self) { try await hook.apply(decision) }
    }

    @Test func labAdminHookScalesARunningLab() async throws {
        let lab = LabServer(spec: .default, configuration: .init(port: 0))
        let port = try await lab.start()
        let outcomes = await ScaleActuator(hooks: [HTTPScaleHook.labAdmin(base: "http://127.0.0.1:\(port)")]).handle(decision)
        #expect(outcomes.first?.succeeded == true)
        #expect(lab.instances == 5)
        try await lab.stop()
        // The Lab is gone: the hook fails, is retried, and is reported without throwing.
        let failed = await ScaleActuator(hooks: [HTTPScaleHook.labAdmin(base: "http://127.0.0.1:\(port)")],
                                         retry: RetryPolicy(maxAttempts: 2, initialBackoff: 0), sleep: { _ in }).handle(decision)
        #expect(failed.first?.succeeded == false && failed.first?.attempts == 2)
    }
}

@Suite struct AutoscalerTests {
    @Test func ticksDecideAndApplyThroughHooks() async {
        let applied = NIOLockedValueBox<[Int]>([])
        let hook = ClosureScaleHook(name: "in-process") { decision in applied.withLockedValue { $0.append(decision.desiredReplicas) } }
        let scaler = Autoscaler(
            policy: .predictive(.init(capacityPerInstance: 100, headroom: 1, leadTime: 30, maxReplicas: 10)),
            actuator: ScaleActuator(hooks: [hook]))
        let forecast = [RateForecastPoint(time: 0, upperRate: 150), RateForecastPoint(time: 60, upperRate: 420)]
        #expect(await scaler.tick(AutoscalerInput(now: 0, currentReplicas: 1, forecast: forecast)).desiredReplicas == 2)
        #expect(await scaler.tick(AutoscalerInput(now: 10, currentReplicas: 2, forecast: forecast)).desiredReplicas == 2)
        #expect(await scaler.tick(AutoscalerInput(now: 30, currentReplicas: 2, forecast: forecast)).desiredReplicas == 5)
        #expect(applied.withLockedValue { $0 } == [2, 5])  // the no-change tick called no hook
        #expect(await scaler.history.count == 3)
    }
}
