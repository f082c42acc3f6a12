import ArgumentParser
import Foundation
import Logging
import Shadowcast

/// `shadowcast shadow`: Proxy a primary, mirror to a secondary, profile live and play the forecast ahead.
struct ShadowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shadow",
        abstract: "Proxy a primary, mirror to a secondary, profile live and play the forecast ahead.",
        discussion: """
            Clients talk to --listen and always get the primary's response. A copy of --mirror-percent \
            of the requests (chosen by a seeded hash) goes to the secondary; its answers are measured and \
            discarded, and a slow or dead secondary only costs dropped copies (counted by reason). \
            Ctrl-C / SIGTERM (or --duration) stops gracefully and prints a summary.

            With --predict-ahead, the predictive loop runs beside the proxy: every --step it measures the \
            rate the proxy saw, feeds it to the forecaster (fitted after --warmup-steps, then adapting online), \
            and sends the secondary, besides the mirror, synthetic traffic for the predicted rate --predict-ahead \
            from now minus the current rate, sampled from the live profile of the proxied requests. \
            --autoscale predictive scales the secondary on that forecast (hooks as in 'run'). The summary \
            (and --json FILE) shows predicted vs actual per step and what scaled when.
            """)

    @Option(help: "Address to listen on (HOST:PORT, [V6]:PORT).")
    var listen: String = "127.0.0.1:8080"

    @Option(help: "The primary service (http://HOST[:PORT]); clients get its responses.")
    var primary: String

    @Option(help: "The secondary copy (http://HOST[:PORT]) that receives the mirror.")
    var secondary: String

    @Option(help: "Share of requests mirrored to the secondary, 0-100.")
    var mirrorPercent: Double = 100

    @Option(help: "Seed of the sampling hash (same seed and arrival order: same requests mirrored).")
    var seed: UInt64 = 0x5EED_5EED_5EED_5EED

    @Option(help: "Play the load forecast this far ahead to the secondary (e.g. 10m); starts the predictive loop.")
    var predictAhead: DurationArgument?

    @Option(help: "Step of the predictive loop: measure, forecast, play ahead and scale this often.")
    var step: DurationArgument = DurationArgument(argument: "10s")!

    @Option(help: "Steps measured before the forecaster is first fitted (at least 8).")
    var warmupSteps: Int = 12

    @Flag(help: "Let the live forecaster train an LSTM at warm-up (default: baselines only, which fit in milliseconds).")
    var lstm = false

    @Option(help: "Connections the predictive loop opens to the secondary for synthetic traffic.")
    var syntheticConnections: Int = 16

    @Option(help: "Highest synthetic rate the predictive loop plays (req/s).")
    var maxSyntheticRate: Double = 50_000

    @Option(help: "Write the predictive loop's summary (predicted vs actual per step, scaling) as JSON to this file.")
    var json: String?

    @OptionGroup(title: "Metrics") var metricsPort: MetricsPortOptions

    @OptionGroup(title: "Report (primary vs secondary per second and per route, findings; needs the exchange records)")
    var report: ReportOptions

    @OptionGroup(title: "Autoscaling the secondary (on the forecast; needs --predict-ahead)")
    var autoscaling: AutoscaleOptions

    @Option(help: "Stop after this long (e.g. 30s, 10m); default: until Ctrl-C or SIGTERM.")
    var duration: DurationArgument?

    @Option(help: "Event loops (threads); default: one per core.")
    var threads: Int?

    @Option(help: "Client connections one event loop takes before the next gets new ones (then: the loop with the fewest); 0 spreads from the start.")
    var packConnections: Int = 8

    @Option(help: "Connections to the secondary per event loop.")
    var mirrorConnections: Int = 64

    @Option(help: "Mirror requests waiting for a secondary connection, per event loop (more are dropped).")
    var mirrorQueue: Int = 1024

    @Option(help: "Deadline of a mirrored request, queue wait included (e.g. 2s, 500ms).")
    var mirrorTimeout: DurationArgument = DurationArgument(argument: "2s")!

    @Flag(help: "Add 'Via: 1.1 shadowcast' to forwarded requests and responses.")
    var via = false

    @Option(help: "Write every exchange (redacted record + both outcomes) as JSON lines to this file.")
    var records: String?

    @Flag(help: "Do not collect exchange records (no sink: only counters and latency histograms).")
    var noRecords = false

    @Option(help: "Batches of exchanges (up to 256 each, offered by the event loops every 20 ms) held unread for the record consumer before drops are counted.")
    var recordBatches: Int = 1024

    func validate() throws {
        _ = try makeConfiguration()
        if let predictAhead, predictAhead.duration <= .zero {
            throw ValidationError("--predict-ahead '\(predictAhead)': must be positive")
        }
        if let mode = autoscaling.autoscale {
            guard mode == .predictive else {
                throw ValidationError("--autoscale reactive: shadow scales the secondary on the forecast; use --autoscale predictive")
            }
            guard predictAhead != nil else { throw ValidationError("--autoscale needs --predict-ahead (it acts on the forecast)") }
        }
        if noRecords, report.directory != nil { throw ValidationError("--report-dir is built from the exchange records: drop --no-records") }
        if predictAhead == nil, json != nil { throw ValidationError("--json writes the predictive loop's summary: it needs --predict-ahead") }
        if predictAhead != nil {
            if noRecords { throw ValidationError("--predict-ahead needs the exchange records (the live profile): drop --no-records") }
            guard warmupSteps >= 8 else { throw ValidationError("--warmup-steps must be at least 8") }
            guard syntheticConnections >= 1 else { throw ValidationError("--synthetic-connections must be at least 1") }
            guard maxSyntheticRate > 0 else { throw ValidationError("--max-synthetic-rate must be positive") }
            do {
                try makeLoopConfiguration(secondary: try makeConfiguration().secondary).validate()
            } catch {
                throw ValidationError("\(error)")
            }
        }
        if let duration, duration.duration <= .zero {
            throw ValidationError("--duration '\(duration)': must be positive")
        }
        guard recordBatches >= 1 else { throw ValidationError("--record-batches must be at least 1") }
    }

    func makeConfiguration() throws -> ShadowConfiguration {
        do {
            var configuration = ShadowConfiguration(
                listen: try ShadowEndpoint(listen: listen),
                primary: try ShadowEndpoint(url: primary, option: "primary"),
                secondary: try ShadowEndpoint(url: secondary, option: "secondary"))
            configuration.mirrorPercent = mirrorPercent
            configuration.samplingSeed = seed
            if let threads { configuration.eventLoops = threads }
            configuration.packConnectionsPerLoop = packConnections
            configuration.mirrorConnectionsPerLoop = mirrorConnections
            configuration.mirrorQueueCapacityPerLoop = mirrorQueue
            configuration.mirrorTimeout = mirrorTimeout.duration
            configuration.addVia = via
            try configuration.validate()
            return configuration
        } catch {
            throw ValidationError(error.description)
        }
    }

    /// The predictive loop's settings: steps, look-ahead, the secondary as the synthetic target.
    func makeLoopConfiguration(secondary: ShadowEndpoint?) -> PredictiveShadowLoopConfiguration {
        var loop = PredictiveShadowLoopConfiguration(step: step.duration, predictAhead: predictAhead?.duration ?? step.duration)
        if let secondary {
            // The emitter takes IP literals only.
            let host = secondary.host == "localhost" ? "127.0.0.1" : secondary.host
            var synthetic = PredictiveShadowLoopConfiguration.Synthetic(
                target: EmissionTarget(host: host, port: UInt16(clamping: secondary.port)), host: "\(secondary)")
            synthetic.seed = seed
            synthetic.connections = syntheticConnections
            synthetic.maxRate = maxSyntheticRate
            loop.synthetic = synthetic
        }
        loop.initialReplicas = autoscaling.minReplicas
        return loop
    }

    func run() async throws {
        let configuration = try makeConfiguration()
        var logger = Logger(label: "shadowcast.shadow")
        logger.logLevel = .warning
        var output: FileHandle?
        if let records {
            guard FileManager.default.createFile(atPath: records, contents: nil) else {
                throw ValidationError("--records '\(records)': cannot create the file")
            }
            output = FileHandle(forWritingAtPath: records)
        }
        if let json, !FileManager.default.createFile(atPath: json, contents: nil) {
            throw ValidationError("--json '\(json)': cannot create the file")
        }
        let stream = ShadowExchangeStream(maxBatches: recordBatches)
        if noRecords && records != nil { throw ValidationError("--no-records and --records exclude each other") }

        // The endpoint first, so the loop's synthetic runs are recorded in it too.
        let proxyMetrics = ShadowStatsSource()
        let telemetry = try await metricsPort.start(verb: "shadow", extraSources: [proxyMetrics])

        // The predictive loop: the live profile, the adaptive forecaster, the autoscaler.
        var loop: PredictiveShadowLoop?
        let loopConfiguration = makeLoopConfiguration(secondary: configuration.secondary)
        let traffic = predictAhead == nil ? nil : LiveTraffic(stepSeconds: loopConfiguration.stepSeconds)
        if let traffic {
            var settings = AdaptiveLoadForecaster.defaultConfiguration
            settings.useLSTM = lstm
            let forecaster = AdaptiveLoadForecaster(
                stepSeconds: loopConfiguration.stepSeconds, aheadSeconds: loopConfiguration.aheadSeconds,
                warmupSteps: warmupSteps, configuration: settings)
            var scaleLogger = Logger(label: "shadowcast.shadow.autoscale")
            scaleLogger.logLevel = .notice
            let autoscaler = try autoscaling.makeAutoscaler(logger: scaleLogger)
            loop = try PredictiveShadowLoop(
                configuration: loopConfiguration, forecaster: forecaster, traffic: traffic, autoscaler: autoscaler,
                reportStep: { record in
                    func rate(_ v: Double?) -> String { v.map { String(format: "%.1f", $0) } ?? "-" }
                    var line = String(format: "shadow: step %d t=%gs actual %@ req/s, predicted %@, ahead %@ (p90 %@), synthetic %@ req/s, replicas %d",
                                      record.step, record.time, rate(record.actualRate), rate(record.predictedRate),
                                      rate(record.predictedAheadRate), rate(record.predictedAheadUpperRate), rate(record.syntheticRate), record.replicas)
                    if let scaling = record.scaling { line += " (scaled \(scaling.from) → \(scaling.to): \(scaling.reason))" }
                    if let note = record.note { line += " [\(note)]" }
                    FileHandle.standardError.write(Data((line + "\n").utf8))
                }, metrics: telemetry.metrics)
        }

        let proxy = try await ShadowProxy.start(configuration, sink: noRecords ? nil : stream)
        let metricsPoller = telemetry.url == nil ? nil : Task { await proxyMetrics.poll(proxy) }
        if noRecords { stream.finish() }
        printError("shadow: listening on \(proxy.localAddress), primary \(configuration.primary), secondary \(configuration.secondary.map(String.init(describing:)) ?? "-"), mirroring \(configuration.mirrorPercent)%")
        if let predictAhead {
            printError("shadow: predictive loop every \(step), playing the forecast \(predictAhead) ahead to the secondary (forecaster fitted after \(warmupSteps) steps)\(autoscaling.autoscale == nil ? "" : ", autoscaling on the forecast")")
        }

        let started = Date()
        // Seconds stay open for the mirror timeout (a mirrored request ends that long after it came) and a margin.
        let openSeconds = Int(Double(configuration.mirrorTimeout.components.seconds).rounded(.up)) + 2
        var recorder = report.directory == nil ? nil
            : ShadowComparisonRecorder(origin: started.timeIntervalSince1970, openSeconds: openSeconds)
        let consumer = Task { [output, recorder] in
            var recorder = recorder
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            var count = 0
            var pending = Data()
            for await batch in stream.batches {
                count += batch.count
                traffic?.ingest(batch)
                recorder?.add(batch)
                guard let output else { continue }
                for exchange in batch {
                    if let line = try? encoder.encode(ExchangeLine(exchange)) {
                        pending.append(line)
                        pending.append(0x0A)
                    }
                }
                if pending.count >= 1 << 16 {
                    output.write(pending)
                    pending.removeAll(keepingCapacity: true)
                }
            }
            if let output, !pending.isEmpty { output.write(pending) }
            try? output?.close()
            recorder?.finish()
            return (count, recorder)
        }
        let stats: ShadowStats
        if let loop {
            stats = try await loop.serve(beside: proxy, duration: duration?.duration, logger: logger)
        } else {
            stats = try await ShadowRunner.run(proxy, duration: duration?.duration, logger: logger)
        }
        let consumed: Int
        (consumed, recorder) = await consumer.value
        metricsPoller?.cancel()
        proxyMetrics.update(stats)
        await telemetry.stop()
        print(stats.summary)
        if let records { print("records: \(consumed) exchanges consumed, written to \(records)") }
        if let summary = loop?.summary {
            print(summary.text())
            if let json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
                do {
                    try encoder.encode(summary).write(to: URL(fileURLWithPath: json))
                    print("predictive loop summary written to \(json)")
                } catch {
                    printError("shadow: --json '\(json)': cannot write (\(error))")
                }
            }
        }
        if let recorder {
            let summary = ShadowRunSummary(
                recorder: recorder, stats: stats, loop: loop?.summary, command: CommandLine.arguments,
                primary: "\(configuration.primary)", secondary: configuration.secondary.map { "\($0)" },
                mirrorPercent: configuration.mirrorPercent, started: started, ended: Date())
            try report.write(summary.summary())
        }
    }

    private func printError(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }
}
