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
            The predictive loop (--predict-ahead, --autoscale) is validated but not wired to the proxy yet.
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

    @Option(help: "Play the load forecast this far ahead to the secondary (e.g. 10m). Not wired yet.")
    var predictAhead: DurationText?

    @Option(help: "Autoscale policy for the secondary (KIND:ARGUMENT, KIND = command or webhook). Not wired yet.")
    var autoscale: String?

    @Option(help: "Stop after this long (e.g. 30s, 10m); default: until Ctrl-C or SIGTERM.")
    var duration: DurationText?

    @Option(help: "Event loops (threads); default: one per core.")
    var threads: Int?

    @Option(help: "Connections to the secondary per event loop.")
    var mirrorConnections: Int = 64

    @Option(help: "Mirror requests waiting for a secondary connection, per event loop (more are dropped).")
    var mirrorQueue: Int = 1024

    @Option(help: "Deadline of a mirrored request, queue wait included (e.g. 2s, 500ms).")
    var mirrorTimeout: DurationText = DurationText(argument: "2s")!

    @Flag(help: "Add 'Via: 1.1 shadowcast' to forwarded requests and responses.")
    var via = false

    @Option(help: "Write every exchange (redacted record + both outcomes) as JSON lines to this file.")
    var records: String?

    @Flag(help: "Do not collect exchange records (no sink: only counters and latency histograms).")
    var noRecords = false

    @Option(help: "Batches of exchanges (up to 256 each) buffered for the record consumer before drops are counted.")
    var recordBatches: Int = 1024

    func validate() throws {
        _ = try makeConfiguration()
        if let autoscale {
            let parts = autoscale.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, ["command", "webhook"].contains(parts[0]), !parts[1].isEmpty else {
                throw ValidationError("--autoscale '\(autoscale)': expected command:PROGRAM or webhook:URL")
            }
        }
        if let predictAhead, predictAhead.duration <= .zero {
            throw ValidationError("--predict-ahead '\(predictAhead)': must be positive")
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

    func run() async throws {
        let configuration = try makeConfiguration()
        var logger = Logger(label: "shadowcast.shadow")
        logger.logLevel = .warning
        if predictAhead != nil || autoscale != nil {
            printError("shadow: --predict-ahead/--autoscale accepted, but the predictive loop is not wired to the proxy yet; mirroring only")
        }
        var output: FileHandle?
        if let records {
            guard FileManager.default.createFile(atPath: records, contents: nil) else {
                throw ValidationError("--records '\(records)': cannot create the file")
            }
            output = FileHandle(forWritingAtPath: records)
        }
        let stream = ShadowExchangeStream(maxBatches: recordBatches)
        if noRecords && records != nil { throw ValidationError("--no-records and --records exclude each other") }
        let proxy = try await ShadowProxy.start(configuration, sink: noRecords ? nil : stream)
        if noRecords { stream.finish() }
        printError("shadow: listening on \(proxy.localAddress), primary \(configuration.primary), secondary \(configuration.secondary.map(String.init(describing:)) ?? "-"), mirroring \(configuration.mirrorPercent)%")

        let consumer = Task { [output] in
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            var count = 0
            var pending = Data()
            for await batch in stream.batches {
                count += batch.count
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
            return count
        }
        let stats = try await ShadowRunner.run(proxy, duration: duration?.duration, logger: logger)
        let consumed = await consumer.value
        print(stats.summary)
        if let records { print("records: \(consumed) exchanges consumed, written to \(records)") }
    }

    private func printError(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }
}
