import ArgumentParser
import Foundation
import Shadowcast

/// `shadowcast sink`: Start a minimal fast HTTP/1.1 server that answers every request.
struct SinkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sink",
        abstract: "Start a minimal fast HTTP/1.1 server that answers every request.",
        discussion: "Answers every request with '200 OK' (pipelining-safe). Runs until interrupted or --duration.")

    @Option(help: "Port to listen on (0: ephemeral, printed at start).")
    var port: Int = 8080

    @Option(help: "Address to listen on (loopback by default).")
    var host: String = "127.0.0.1"

    @Option(name: .shortAndLong, help: "Server threads.")
    var threads: Int = 1

    @Option(name: .customLong("io"), help: "I/O backend: uring, epoll or auto.")
    var io: EmissionConfiguration.Backend = .auto

    @Option(help: "Response body size in bytes (default: the 2-byte body 'ok').")
    var bodyBytes: Int = 0

    @Option(help: ArgumentHelp(
        "TCP congestion control of the accepted connections: auto, system or a name (reno, cubic, bbr...).",
        discussion: "auto: reno when listening on a loopback address, the system default otherwise; system: never set."))
    var tcpCongestion: String = "auto"

    @Option(help: ArgumentHelp(
        "Keep polling this long after the last request before sleeping (e.g. 1ms; default 0: sleep when idle).",
        discussion: "For a sink on a core of its own (taskset): a sleeping thread pays a wake-up per burst of requests, on a VM whose idle vCPUs halt a VM exit each. It serves every client alike."))
    var busyPoll: DurationArgument?

    @Option(help: "Stop by itself after this long (e.g. 60s); prints the request count.")
    var duration: DurationArgument?

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0...65535") }
        guard (1...64).contains(threads) else { throw ValidationError("--threads must be 1...64") }
        if tcpCongestion != "auto" && tcpCongestion != "system" {
            do { try TCPCongestion.check(tcpCongestion) } catch { throw ValidationError("--tcp-congestion: \(error)") }
        }
        guard (0...1_000_000).contains(bodyBytes) else { throw ValidationError("--body-bytes must be 0...1000000") }
        if let busyPoll, busyPoll.duration > .seconds(1) { throw ValidationError("--busy-poll must be at most 1s") }
    }

    func run() async throws {
        let sink: HTTPSink
        do {
            let congestion = TCPCongestionChoice.resolve(tcpCongestion, loopback: EmissionTarget(host: host, port: 0).isLoopback)
            sink = try HTTPSink(host: host, port: UInt16(port), threads: threads, backend: io, bodyLength: bodyBytes,
                                tcpCongestion: congestion, busyPoll: busyPoll?.duration ?? .zero)
        } catch {
            throw ValidationError("cannot start the sink on \(host):\(port): \(error)")
        }
        print("sink listening on \(EmissionTarget(host: host, port: sink.port)) (\(LoadTextReport.backendName(sink.backend)), \(threads) thread\(threads == 1 ? "" : "s"))")
        fflush(nil)
        let end = duration.map { ContinuousClock.now + $0.duration }
        while end.map({ ContinuousClock.now < $0 }) ?? true {
            try? await Task.sleep(for: .milliseconds(200))
        }
        let answered = sink.requestsAnswered, connections = sink.connectionsAccepted
        let congestion = sink.tcpCongestionInEffect.map { " (TCP \($0))" } ?? ""
        sink.stop()
        print("sink stopped: \(answered) requests answered on \(connections) connections\(congestion)")
    }
}
