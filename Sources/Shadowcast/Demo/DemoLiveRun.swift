import Autoscale
import Emission
import Foundation
import Lab
import Logging
import Monitor
import Profiler
import Report
import Shadow
import Synchronization
import Synthesis
import Telemetry

/// Steps 3 and 4: two Labs, the shadow proxy, the replay to the primary, the forecast next
/// period with a flash sale and faults to the secondary, per-second sampling of both Labs and
/// the predictive autoscaler ticking once a second.
struct DemoLiveRun: Sendable {
    let configuration: DemoConfiguration
    let history: DemoHistory
    let console: DemoConsole
    /// Where the emission runs' live counters go (`--metrics-port`), if anywhere.
    var metrics: RunMetrics? = nil

    /// What happened during the live part.
    struct Outcome: Sendable {
        var primary: LabTimeline
        var secondary: LabTimeline
        var primaryURL: String
        var secondaryURL: String
        var primaryInstances: Int
        var secondaryInstancesAtEnd: Int
        var capacityPerInstance: Double
        var replay: EmissionResult
        var synthetic: EmissionResult
        var replayedRequests: Int
        var replayCompression: Double
        var syntheticCompression: Double
        var scenario: Scenario
        var decisions: [(decision: ScaleDecision, outcomes: [HookOutcome])]
        /// Run time at which each scale-up's new instances started taking requests.
        var instancesReady: [(t: Double, instances: Int)]
        var plannedUpper: [RateForecastPoint]
        var shadow: ShadowStats?
        var leadSeconds: Double
        var instanceStartSeconds: Double
        var liveStarted: Date
    }

    func run() async throws -> Outcome {
        let c = configuration
        var quiet = Logger(label: "shadowcast.demo")
        quiet.logLevel = .error
        let primarySpec: LabSpec, secondarySpec: LabSpec
        do {
            primarySpec = try DemoShop.spec(name: "shop-primary", instances: c.primaryInstances, workers: c.workersPerInstance, seed: c.seed)
            secondarySpec = try DemoShop.spec(name: "shop-secondary", instances: c.secondaryInstances, workers: c.workersPerInstance, seed: c.seed &+ 1)
        } catch {
            throw DemoError.stage("lab spec", "\(error)")
        }
        let capacity = secondarySpec.capacityPerInstance
        let primaryLab = LabServer(spec: primarySpec, configuration: .init(host: "127.0.0.1", port: 0, drainTimeout: 1), logger: quiet)
        let secondaryLab = LabServer(spec: secondarySpec, configuration: .init(host: "127.0.0.1", port: 0, drainTimeout: 1), logger: quiet)
        let primaryPort: Int, secondaryPort: Int
        do {
            primaryPort = try await primaryLab.start()
            secondaryPort = try await secondaryLab.start()
        } catch {
            throw DemoError.stage("lab", "cannot listen on 127.0.0.1: \(error)")
        }
        console.step(String(format: "3/5 primary Lab on 127.0.0.1:%d (%d instances, %.0f req/s capacity), secondary Lab on 127.0.0.1:%d (%d instance, %.0f req/s)",
                            primaryPort, primarySpec.instances, primarySpec.configuredCapacity, secondaryPort, secondarySpec.instances, secondarySpec.configuredCapacity))
        var shadowConfiguration = ShadowConfiguration(
            listen: ShadowEndpoint(host: "127.0.0.1", port: 0),
            primary: ShadowEndpoint(host: "127.0.0.1", port: primaryPort),
            secondary: ShadowEndpoint(host: "127.0.0.1", port: secondaryPort))
        shadowConfiguration.eventLoops = 1
        let proxy: ShadowProxy
        do {
            proxy = try await ShadowProxy.start(shadowConfiguration)
        } catch {
            try? await primaryLab.stop()
            try? await secondaryLab.stop()
            throw DemoError.stage("shadow proxy", "\(error)")
        }
        do {
            return try await drive(primaryLab: primaryLab, secondaryLab: secondaryLab, proxy: proxy, capacity: capacity, ports: (primaryPort, secondaryPort))
        } catch {
            _ = try? await proxy.shutdown(drainTimeout: .seconds(1))
            try? await primaryLab.stop()
            try? await secondaryLab.stop()
            throw error
        }
    }

    private func drive(
        primaryLab: LabServer, secondaryLab: LabServer, proxy: ShadowProxy, capacity: Double, ports: (primary: Int, secondary: Int)
    ) async throws -> Outcome {
        let c = configuration
        let host = "shop.example"
        let runSeconds = c.runSeconds
        // The replay: the most recent history, compressed to the run's length.
        let replayRate = c.replayLoad * capacity
        let slice: ReplaySlice
        do {
            slice = try ReplaySlice.load(
                path: history.logURL.path, count: max(1, Int(replayRate * runSeconds)), before: history.historyEnd,
                runSeconds: runSeconds, host: host)
        } catch {
            throw DemoError.stage("replay", "\(error)")
        }
        // The forecast next period, compressed, with the flash sale and faults.
        let compression = c.horizonSeconds / runSeconds
        let scenario = try flashSale(runSeconds: runSeconds, profile: history.profile)
        var options = SynthesisOptions()
        options.seed = c.seed
        options.durationSeconds = runSeconds
        options.curve = .quantile(0.5)
        options.host = host
        options.timeCompression = compression
        let scale: Double
        do {
            let unscaled = try RatePlan(profile: history.profile, options: options)
            let mean = unscaled.expectedRequests / runSeconds
            guard mean > 0 else { throw DemoError.stage("synthesis", "the forecast's rate is 0 over the next period") }
            scale = c.syntheticLoad * capacity / mean
        } catch let error as DemoError {
            throw error
        } catch {
            throw DemoError.stage("synthesis", "\(error)")
        }
        options.rate = .scale(scale)
        options.scenario = scenario
        if c.faults {
            options.faults = FaultPlan(rules: [
                FaultRule(kind: .truncatedBody, probability: 0.004),
                FaultRule(kind: .badHeaderLine, probability: 0.003),
                FaultRule(kind: .reset, probability: 0.003),
            ])
        }
        let schedule: SynthesizedSchedule
        var upperPlan: RatePlan
        do {
            schedule = try SynthesizedSchedule(profile: history.profile, options: options)
            var upper = options
            upper.curve = .quantile(0.9)
            upper.faults = nil
            upperPlan = try RatePlan(profile: history.profile, options: upper)
        } catch {
            throw DemoError.stage("synthesis", "\(error)")
        }
        // What the predictive autoscaler sees: the secondary's planned load at the forecast's
        // upper quantile (flash sale included) plus the mirrored replay.
        let forecast = upperPlan.segments.map { RateForecastPoint(time: $0.start, upperRate: $0.rate + replayRate) }
        console.step(String(format: "      replaying %d requests (%.0f min of log, %.0fx faster) through the shadow proxy to the primary, mirrored to the secondary",
                            slice.count, slice.logSpan / 60, slice.compression))
        console.step(String(format: "      secondary: the next %.0f h forecast (%.0fx faster, ~%.0f req/s mean) + flash sale at t=%.0f s (x%.0f)%@",
                            c.horizonSeconds / 3_600, compression, schedule.plan.expectedRequests / runSeconds, scenario.events.first?.start ?? 0,
                            c.flashSaleMultiplier, c.faults ? " + faults" : ""))
        let leadSeconds = c.scalingLeadSeconds
        let startSeconds = c.instanceStartSeconds
        let predictive = PredictiveConfiguration(
            capacityPerInstance: capacity * 0.8, headroom: 1.1, leadTime: leadSeconds, scaleDownDelay: runSeconds / 6,
            minReplicas: c.secondaryInstances, maxReplicas: c.maxSecondaryInstances)
        let ready = ReadyLog()
        let clockStart = ContinuousClock.now
        let hook = ClosureScaleHook(name: "lab-secondary") { decision in
            // A new instance takes a while to start (as in a cloud); removal is immediate.
            let target = decision.desiredReplicas
            let delay = target > decision.currentReplicas ? startSeconds : 0
            Task {
                if delay > 0 { try? await Task.sleep(for: .milliseconds(Int(delay * 1000))) }
                secondaryLab.setInstances(target)
                let elapsed = ContinuousClock.now - clockStart
                ready.append(t: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18, instances: target)
            }
        }
        var actuatorLogger = Logger(label: "shadowcast.demo.autoscale")
        actuatorLogger.logLevel = .error
        let autoscaler = Autoscaler(policy: .predictive(predictive), actuator: ScaleActuator(hooks: [hook], logger: actuatorLogger))

        var replayConfiguration = EmissionConfiguration(target: .loopback(port: UInt16(proxy.localAddress.port)), model: .schedule)
        replayConfiguration.duration = .milliseconds(Int((runSeconds + 1) * 1000))
        replayConfiguration.connections = 16
        replayConfiguration.requestTimeout = .seconds(5)
        var syntheticConfiguration = EmissionConfiguration(target: .loopback(port: UInt16(ports.secondary)), model: .schedule)
        syntheticConfiguration.duration = .milliseconds(Int((runSeconds + 1) * 1000))
        syntheticConfiguration.connections = 64
        syntheticConfiguration.requestTimeout = .seconds(5)

        var primary = LabTimeline(name: "primary")
        var secondary = LabTimeline(name: "secondary")
        primary.read(primaryLab, at: 0)
        secondary.read(secondaryLab, at: 0)
        let liveStarted = Date()
        let replayRun: EmissionRun, syntheticRun: EmissionRun
        do {
            replayRun = try Emitter.start(replayConfiguration, schedule: BatchSequence(batches: slice.chunks), routes: ["replay"])
            syntheticRun = try Emitter.start(syntheticConfiguration, schedule: schedule, routes: schedule.routeNames)
        } catch {
            throw DemoError.stage("emission", "\(error)")
        }
        let observed = [metrics?.observe(syntheticRun, name: "demo-secondary", faults: { schedule.progress.stats }),
                        metrics?.observe(replayRun, name: "demo-replay")]
        let replayTask = Task { await replayRun.result() }
        let syntheticTask = Task { await syntheticRun.result() }

        // The predictive loop, as `shadowcast shadow --predict-ahead` runs it: here with the
        // forecast period planned in advance, no live rate and no played-ahead traffic (the
        // whole forecast period already goes to the secondary); one step a second.
        var reporter = ProgressReporter(mode: .detect(fileDescriptor: 2), interval: 5)
        var completed = 0
        var errors = 0
        var loopConfiguration = PredictiveShadowLoopConfiguration(step: .seconds(1), predictAhead: .seconds(max(1, leadSeconds)))
        loopConfiguration.steps = Int(runSeconds + 2)
        loopConfiguration.pacing = .wallClockCatchingUp  // every second sampled, even when starved
        loopConfiguration.initialReplicas = c.secondaryInstances
        let plan = PlannedLoadForecaster(
            points: forecast.map { LoadForecastPoint(time: $0.time, rate: $0.upperRate, upperRate: $0.upperRate) }, until: runSeconds)
        let loop: PredictiveShadowLoop
        do {
            loop = try PredictiveShadowLoop(configuration: loopConfiguration, forecaster: plan, traffic: nil, autoscaler: autoscaler)
        } catch {
            throw DemoError.stage("predictive loop", "\(error)")
        }
        await loop.run { record in
            let t = record.time
            primary.read(primaryLab, at: t)
            let sample = secondary.read(secondaryLab, at: t)
            if let scaling = record.scaling {
                console.step("      autoscaler: \(scaling.from) → \(scaling.to) secondary instances (\(scaling.reason))")
            }
            if let sample, console.enabled {
                completed += Int(sample.rate.rounded())
                errors += Int((sample.rate * sample.errorRate).rounded())
                let view = ProgressSnapshot(
                    elapsed: t, remaining: max(0, runSeconds - t), rate: sample.rate, p99Ms: sample.p99Ms,
                    errors: errors, completed: completed)
                if let line = reporter.update(view) { console.write(line) }
            }
        }
        if console.enabled { console.write(reporter.finish()) }
        let replayResult = await replayTask.value
        let syntheticResult = await syntheticTask.value
        for run in observed { _ = await run?.result() }
        let shadowStats = try? await proxy.shutdown(drainTimeout: .seconds(2))
        let instancesAtEnd = secondaryLab.instances
        try? await primaryLab.stop()
        try? await secondaryLab.stop()
        let decisions = await autoscaler.history
        console.step(String(format: "4/5 done: primary got %llu replayed requests, secondary %llu synthetic + %d mirrored; comparing",
                            replayResult.requests, syntheticResult.requests, shadowStats?.mirrorCompleted ?? 0))
        return Outcome(
            primary: primary, secondary: secondary,
            primaryURL: "http://127.0.0.1:\(ports.primary)", secondaryURL: "http://127.0.0.1:\(ports.secondary)",
            primaryInstances: primaryLab.spec.instances, secondaryInstancesAtEnd: instancesAtEnd, capacityPerInstance: capacity,
            replay: replayResult, synthetic: syntheticResult, replayedRequests: slice.count,
            replayCompression: slice.compression, syntheticCompression: compression, scenario: scenario,
            decisions: decisions, instancesReady: ready.entries, plannedUpper: forecast, shadow: shadowStats,
            leadSeconds: leadSeconds, instanceStartSeconds: startSeconds, liveStarted: liveStarted)
    }

    /// The built-in `flash-sale` scenario's shape, fitted into the run: opens at 40% of the run,
    /// ramps over 3% (a sale opens all at once), holds, winds down over 8%, ends at 80%. Buyers
    /// check out: `/checkout`, the shop's heaviest route, takes 12% of requests (2–3% outside).
    func flashSale(runSeconds: Double, profile: RequestProfile) throws -> Scenario {
        func s(_ fraction: Double) -> String { "\(max(1, Int((runSeconds * fraction).rounded())))s" }
        let yaml = """
            name: flash-sale
            description: "The built-in flash sale, fitted into the demo's run: traffic ramps to \(configuration.flashSaleMultiplier)x, checkout takes 12% of requests and a sale page 15%."
            events:
              - name: sale
                start: \(s(0.4))
                duration: \(s(0.4))
                ramp: \(s(0.03))
                rampDown: \(s(0.08))
                rate: {multiplier: \(configuration.flashSaleMultiplier)}
                mix:
                  - {route: /checkout, share: 0.12}
                surge: {route: "/flash-sale/{id}", method: GET, share: 0.15}

            """
        do {
            return try Scenario.parse(yaml: yaml, file: "demo:flash-sale").resolved(against: profile)
        } catch {
            throw DemoError.stage("scenario", "\(error)")
        }
    }
}

/// When the secondary's instance count actually changed (filled from the scaling hook's task).
final class ReadyLog: Sendable {
    private let state = Mutex<[(t: Double, instances: Int)]>([])

    func append(t: Double, instances: Int) { state.withLock { $0.append((t, instances)) } }

    var entries: [(t: Double, instances: Int)] { state.withLock { $0 } }
}
