import ArgumentParser
import Foundation
import Shadowcast

/// An `http://host:port/path` target turned into an address and one serialized GET request.
struct HTTPTargetURL: ExpressibleByArgument, Sendable {
    var host: String
    var port: UInt16
    var pathAndQuery: String
    var text: String

    init?(argument: String) {
        guard let url = try? Self(parsing: argument) else { return nil }
        self = url
    }

    /// Parses `http://host[:port][/path][?query]`; the error says what is wrong with the text.
    init(parsing argument: String) throws {
        guard argument.contains("://") else {
            throw ValidationError("'\(argument)' has no scheme; expected http://\(argument)")
        }
        guard let components = URLComponents(string: argument), let scheme = components.scheme else {
            throw ValidationError("'\(argument)' is not a URL; expected http://host[:port]/path")
        }
        guard scheme.lowercased() == "http" else {
            let hint = scheme.lowercased() == "https" ? " (TLS is not supported: aim at the plain-HTTP port)" : ""
            throw ValidationError("scheme '\(scheme)' of '\(argument)' is not supported; only http://\(hint)")
        }
        // Foundation keeps an IPv6 literal's brackets; the Host header and the address want it bare.
        guard let bracketed = components.host, !bracketed.isEmpty, bracketed != "[]" else {
            throw ValidationError("'\(argument)' has no host; expected http://host[:port]/path")
        }
        let host = bracketed.hasPrefix("[") && bracketed.hasSuffix("]") ? String(bracketed.dropFirst().dropLast()) : bracketed
        let port = components.port ?? 80
        guard (1...65535).contains(port) else { throw ValidationError("port \(port) of '\(argument)' is not in 1…65535") }
        self.host = host
        self.port = UInt16(port)
        var path = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
        if let query = components.percentEncodedQuery { path += "?" + query }
        self.pathAndQuery = path
        self.text = argument
    }

    static var defaultCompletionKind: CompletionKind { .default }

    var target: EmissionTarget { EmissionTarget(host: host, port: port) }

    /// The request batch of `load`: one GET, repeated.
    func requestBatch(headers: [String]) -> RequestBatch {
        let hostHeader = (host.contains(":") ? "[\(host)]" : host) + (port == 80 ? "" : ":\(port)")
        var request = "GET \(pathAndQuery) HTTP/1.1\r\nHost: \(hostHeader)\r\nUser-Agent: shadowcast\r\n"
        for header in headers { request += header + "\r\n" }
        request += "\r\n"
        var batch = RequestBatch(routes: ["GET \(pathAndQuery.split(separator: "?").first.map(String.init) ?? "/")"])
        batch.append(Array(request.utf8), route: 0)
        return batch
    }
}

extension EmissionConfiguration.Backend: ExpressibleByArgument {}

/// Options shared by `load` and `bench`.
struct EmitterOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: "Connections (closed model: kept open; open model: opened at start).")
    var connections: Int = 64

    @Option(help: "Open model: connections the engine may open when none is free.")
    var maxConnections: Int = 1024

    @Option(name: .shortAndLong, help: "Worker threads, each with its own ring and connections.")
    var threads: Int = 1

    @Option(help: "Request timeout (also the connect timeout), e.g. 2s, 500ms.")
    var timeout: DurationArgument = DurationArgument(argument: "2s")!

    @Option(name: .customLong("io"), help: "I/O backend: uring, epoll or auto (io_uring with epoll fallback).")
    var io: EmissionConfiguration.Backend = .auto

    @Option(name: [.customShort("H"), .customLong("header")], help: "Extra request header ('Name: value'); repeatable.")
    var headers: [String] = []

    @Option(help: "Write the JSON report to this file ('-' for standard output).")
    var json: String?

    @Option(help: ArgumentHelp(
        "TCP congestion control of the connections: auto, system or a name (reno, cubic, bbr...).",
        discussion: "auto: reno when the target is a loopback address (BBR's per-ACK model costs CPU and means nothing on loopback), the system default otherwise; system: never set."))
    var tcpCongestion: String = "auto"

    @Option(help: ArgumentHelp(
        "How long a worker polls without sleeping before it blocks: auto, 0 or a duration up to 1s (e.g. 50us, 1ms).",
        discussion: "While responses are outstanding and when the next send is due within it. A sleeping worker pays a wake-up per round trip (on a VM whose idle vCPUs halt, a VM exit each); a polling one burns CPU. auto (default): up to 1ms while the worker has its core to itself, 50us while it waits for its core behind other threads. 0: never polls, always sleeps. A duration: always polls that long.",
        valueName: "auto|0|duration"))
    var busyPoll: BusyPollArgument = .auto

    func validate() throws {
        guard connections >= 1 else { throw ValidationError("--connections must be at least 1") }
        guard maxConnections >= 1 else { throw ValidationError("--max-connections must be at least 1") }
        guard (1...256).contains(threads) else { throw ValidationError("--threads must be 1...256") }
        guard threads <= connections else { throw ValidationError("--threads (\(threads)) must not exceed --connections (\(connections))") }
        guard timeout.duration > .zero else { throw ValidationError("--timeout must be positive") }
        if case .fixed(let budget) = busyPoll, budget.duration > .seconds(1) {
            throw ValidationError("--busy-poll must be auto, 0 or a duration of at most 1s, got '\(budget)'")
        }
        if tcpCongestion != "auto" && tcpCongestion != "system" {
            do { try TCPCongestion.check(tcpCongestion) } catch { throw ValidationError("--tcp-congestion: \(error)") }
        }
        for header in headers where !header.contains(":") || header.contains("\r") || header.contains("\n") {
            throw ValidationError("--header '\(header)' must look like 'Name: value' on one line")
        }
    }

    /// A configuration with these options applied.
    func configuration(target: EmissionTarget, model: EmissionConfiguration.Model) -> EmissionConfiguration {
        var configuration = EmissionConfiguration(target: target, model: model)
        configuration.connections = connections
        configuration.maxConnections = max(maxConnections, connections)
        configuration.threads = threads
        configuration.requestTimeout = timeout.duration
        configuration.connectTimeout = timeout.duration
        configuration.backend = io
        configuration.tcpCongestion = TCPCongestionChoice.resolve(tcpCongestion, loopback: target.isLoopback)
        configuration.busyPoll = busyPoll.setting
        return configuration
    }
}

/// Writes an Encodable value as pretty JSON to a file or standard output.
func writeJSON(_ value: some Encodable, to path: String) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    var data = try encoder.encode(value)
    data.append(0x0A)
    if path == "-" {
        FileHandle.standardOutput.write(data)
    } else {
        do { try data.write(to: URL(fileURLWithPath: path)) } catch {
            throw ValidationError("cannot write JSON report to '\(path)': \(error.localizedDescription)")
        }
    }
}
