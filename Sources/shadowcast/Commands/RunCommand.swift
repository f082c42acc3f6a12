import ArgumentParser
import Foundation
import Shadowcast

/// `shadowcast run`: Generate forecast-driven synthetic load from a profile against a target.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Generate forecast-driven synthetic load from a profile against a target.",
        discussion: """
            Requests are sampled from the profile (routes, parameters, query, agents, countries, \
            body sizes) and sent on an open schedule that follows the profile's forecast at \
            --quantile (or its history when it has no forecast). Latency is measured from the \
            intended send time. Faulted requests (--faults) are recorded apart from clean ones.

            With --max the closed model (wrk's) runs instead: each connection sends the next \
            synthesized request as soon as the previous one is answered (--pipeline P: P at a \
            time). The requests are the same stream in the same order (same seed, same requests; \
            --shard still partitions it), their send times ignored; latency counts from the \
            actual send. Options that only shape arrival times (--rate, --rate-scale, --quantile, \
            --sampled-path, --time-compression, --sessions, --even-arrivals, --scenario) are refused \
            with --max.
            """)

    @Argument(help: "The request profile (JSON written by `shadowcast profile`).")
    var profile: String

    @Option(help: "Target URL, e.g. http://127.0.0.1:8080", transform: HTTPTargetURL.init(parsing:))
    var target: HTTPTargetURL

    @Flag(name: .customLong("max"), help: "Closed model at maximum rate (wrk): each connection sends the next synthesized request as soon as the previous one is answered.")
    var maxRate = false

    @Option(help: "Closed model (--max): requests in flight per connection.")
    var pipeline: Int = 1

    @Option(help: "Closed model (--max): stop after this many requests.")
    var requests: Int?

    @Option(help: ArgumentHelp(
        "Open model: send for this long before the measured run (e.g. 2s), at the schedule's starting rate and mix.",
        discussion: "As `load --warmup`: connections, caches and CPU placement settle first. The warm-up requests are synthesized from the profile with their own seed stream (no scenario, no faults), so the measured run's requests are those of the same run without --warmup. They are reported apart (text report and JSON 'warmup': sent, completed, late, errors; per_second warmup_sent/warmup_late), never in the run's figures."))
    var warmup: DurationArgument?

    @OptionGroup var synthesis: SynthesisArguments
    @OptionGroup var emitter: EmitterOptions
    @OptionGroup(title: "Autoscaling") var autoscaling: AutoscaleOptions
    @OptionGroup var thresholds: ThresholdOptions
    @OptionGroup(title: "Report") var report: ReportOptions
    @OptionGroup(title: "Metrics") var metricsPort: MetricsPortOptions

    @Option(help: "Prometheus series the reactive policy reads as utilization (0…1) from the target's /metrics.")
    var utilizationMetric = "lab_utilization"

    @Option(help: "Prometheus series giving the target's current instance count.")
    var instancesMetric = "lab_instances"

    @Option(help: "Write the HdrHistogram percentile distribution (.hgrm, milliseconds) of clean requests to this file.")
    var hgrm: String?

    @Flag(help: "Do not print live progress.")
    var noProgress = false

    func validate() throws {
        if !emitter.headers.isEmpty { throw ValidationError("-H/--header is not supported by run: headers come from the profile") }
        guard (1...1024).contains(pipeline) else { throw ValidationError("--pipeline must be 1...1024") }
        if let requests, requests < 1 { throw ValidationError("--requests must be at least 1") }
        if maxRate {
            let conflicts = ClosedRunStream.conflicts(synthesis: synthesis, autoscaling: autoscaling)
            if !conflicts.isEmpty { throw ValidationError(conflicts.joined(separator: "\n")) }
        } else {
            if pipeline != 1 { throw ValidationError("--pipeline applies to the closed model (--max) only") }
            if requests != nil { throw ValidationError("--requests applies to the closed model (--max) only") }
        }
        if let warmup {
            if maxRate { throw ValidationError("--warmup applies to the open model only (not --max)") }
            guard warmup.duration > .zero else { throw ValidationError("--warmup must be positive") }
        }
    }

    func run() async throws {
        let profileValue: RequestProfile
        do { profileValue = try RequestProfile.load(from: URL(fileURLWithPath: profile)) } catch {
            throw ValidationError("\(profile): \(error)")
        }
        let hostHeader = (target.host.contains(":") ? "[\(target.host)]" : target.host) + (target.port == 80 ? "" : ":\(target.port)")
        var configuration = emitter.configuration(target: target.target, model: maxRate ? .closedStream(pipeline: pipeline) : .schedule)
        configuration.duration = synthesis.duration.duration
        configuration.requestLimit = requests
        configuration.warmup = warmup?.duration
        let schedule: SynthesizedSchedule
        let options: SynthesisOptions
        do {
            if maxRate {
                // Closed model: the stream is produced as fast as the engine's queue takes it.
                options = ClosedRunStream.options(try synthesis.options(host: hostHeader))
                try ClosedRunStream.checkFaults(options.faults)
                schedule = try SynthesizedSchedule(profile: profileValue, options: options)
            } else {
                options = try synthesis.options(host: hostHeader)
                // Production follows the engine's clock: requests already later than the engine's
                // late threshold when their chunk is produced are counted late, not rendered.
                schedule = try SynthesizedSchedule(
                    profile: profileValue, options: options, pacing: SchedulePacing(lateThreshold: configuration.lateThreshold),
                    warmupSeconds: warmup?.seconds ?? 0)
            }
        } catch let error as SynthesisError {
            throw ValidationError(error.description)
        }
        let stderr = FileHandle.standardError
        let extras = "\(options.scenario.map { ", scenario '\($0.name)'" } ?? "")\(options.faults.map { ", \($0.rules.count) fault rule(s)" } ?? "")"
        if maxRate {
            stderr.write(Data("""
                run: \(profile) → \(target.text) for \(synthesis.duration.text), seed \(options.seed), shard \(options.shard)
                  closed model (--max): \(emitter.connections) connections × pipeline \(pipeline), \(emitter.threads) thread(s)\(requests.map { ", at most \($0) requests" } ?? ""); synthesized requests in stream order over \(schedule.routeNames.count) routes\(extras)

                """.utf8))
        } else {
            let expected = schedule.plan.expectedRequests / Double(options.shard.count)
            stderr.write(Data("""
                run: \(profile) → \(target.text) for \(synthesis.duration.text), seed \(options.seed), shard \(options.shard)
                  rate follows: \(schedule.plan.source)
                  expected: \(Int(expected.rounded())) requests (\(String(format: "%.1f", expected / options.durationSeconds)) req/s mean) over \(schedule.routeNames.count) routes\(extras)\(warmup.map { "\n  warm-up: \($0.text) at \(String(format: "%.1f", schedule.plan.segments.first?.rate ?? 0)) req/s before the clock (reported apart)" } ?? "")

                """.utf8))
        }
        do {
            let telemetry = try await metricsPort.start(verb: "run")
            let started = Date()
            let run = try Emitter.start(configuration, schedule: schedule, routes: schedule.routeNames)
            let observed = telemetry.observe(run, faults: { schedule.progress.stats })
            let progress = Task {
                guard !noProgress else { return }
                var reporter = ProgressReporter(mode: .detect(fileDescriptor: STDERR_FILENO))
                for await snapshot in observed?.snapshots ?? run.snapshots {
                    let seconds = options.durationSeconds
                    let view = ProgressSnapshot(
                        elapsed: snapshot.elapsedSeconds, remaining: max(0, seconds - snapshot.elapsedSeconds),
                        rate: snapshot.intervalRate, p99Ms: nil, errors: Int(snapshot.errors.total), completed: Int(snapshot.completed))
                    if let line = reporter.update(view) { stderr.write(Data(line.utf8)) }
                }
                stderr.write(Data(reporter.finish().utf8))
            }
            let scaling = try makeScaling(plan: schedule.plan, options: options)
            let scalingTask = Task { [scaling] in
                await scaling?.drive(for: options.durationSeconds) { line in stderr.write(Data((line + "\n").utf8)) } ?? []
            }
            let measured = await run.result()
            // The producer has finished (the run awaits it), so its counts are final here.
            let stats = schedule.progress.stats
            let result = measured.countingSkippedLate(stats, warmup: schedule.progress.warmupStats)
            _ = await observed?.result()
            await telemetry.stop()
            await progress.value
            scalingTask.cancel()
            let scaled = await scalingTask.value
            if scaling != nil { stderr.write(Data("autoscale: \(scaled.count) change(s)\(scaled.last.map { ", last to \($0.desiredReplicas) replicas" } ?? "")\n".utf8)) }
            let report = RunReport(result: result, configuration: configuration, stats: stats, options: options, plan: schedule.plan)
            if emitter.json != "-" { print(RunTextReport.render(result, report: report, stats: stats), terminator: "") }
            if let path = emitter.json { try writeJSON(report, to: path) }
            if let hgrm { try writeHgrm(RunReport.cleanLatency(result).latency, to: hgrm) }
            try writeReport(result, started: started, options: options, plan: schedule.plan, stats: stats, scaling: await scaling?.autoscaler.history ?? [])
            // Thresholds judge the clean requests: faulted ones are reported apart.
            try thresholds.check(ThresholdMetrics(result, latency: RunReport.cleanLatency(result).latency), quietStandardOutput: emitter.json == "-")
        } catch let error as EmissionError {
            throw ValidationError(error.description)
        }
    }

    /// The autoscaling driver for `--autoscale`, or `nil` without it. The predictive policy
    /// provisions for the run's planned rate at the 0.9 quantile (or the run's own when higher).
    private func makeScaling(plan: RatePlan, options: SynthesisOptions) throws -> RunAutoscaling? {
        guard let autoscaler = try autoscaling.makeAutoscaler() else { return nil }
        var upper = options
        if case let .quantile(level) = options.curve, level < 0.9 { upper.curve = .quantile(0.9) }
        let upperPlan = try RatePlan(profile: try RequestProfile.load(from: URL(fileURLWithPath: profile)), options: upper)
        guard let metricsURL = URL(string: "http://\(target.host.contains(":") ? "[\(target.host)]" : target.host):\(target.port)/metrics") else {
            throw ValidationError("cannot make a metrics URL for \(target.text)")
        }
        return RunAutoscaling(
            autoscaler: autoscaler, forecast: RunAutoscaling.forecastPoints(of: upperPlan), metricsURL: metricsURL,
            utilization: MetricSelector(utilizationMetric), instances: MetricSelector(instancesMetric), options: autoscaling)
    }
}
