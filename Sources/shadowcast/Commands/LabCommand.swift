import ArgumentParser
import Foundation
import Lab
import Logging
import ServiceLifecycle

/// `shadowcast lab`: Start the simulated Lab service.
struct LabCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lab",
        abstract: "Start the simulated Lab service.",
        discussion: """
            Serves the spec's routes with simulated service times, instances with workers and bounded \
            queues (503 past the queue limit), Prometheus metrics at /metrics, and run-time scaling with \
            POST /admin/instances?count=N. Without --spec, the embedded e-commerce spec is used \
            (print it with --print-spec). Stops gracefully on SIGINT/SIGTERM.
            """)

    @Option(name: .long, help: "Lab spec (YAML). Default: the embedded e-commerce spec.")
    var spec: String?

    @Option(name: .long, help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(name: .long, help: "Port to listen on (0 picks a free one).")
    var port = 8081

    @Option(name: .long, help: "Instances at start (overrides the spec).")
    var instances: Int?

    @Option(name: .long, help: "Slow a route down: ROUTE=FACTOR (service times × FACTOR), repeatable.")
    var slow: [String] = []

    @Option(name: .long, help: "Inject faults: ROUTE=RATE (share answered 500), repeatable.")
    var fail: [String] = []

    @Flag(name: .long, help: "Print the spec's YAML (the embedded one without --spec) and its capacity, then exit.")
    var printSpec = false

    @Option(name: .long, help: "What-if: simulate in virtual time (no server) at R req/s or a ramp A:B, then exit.")
    var simulate: String?

    @Option(name: .long, help: "What-if: simulated seconds.")
    var duration = 60.0

    @Option(name: .long, help: "What-if: seconds per printed interval.")
    var interval = 5

    @Option(name: .long, help: "What-if: p99 SLO in milliseconds for the knee.")
    var sloP99 = 500.0

    @Option(name: .long, help: "What-if: highest acceptable error (503) rate for the knee.")
    var maxErrorRate = 0.01

    @Option(name: .long, help: "What-if: random seed.")
    var seed: UInt64 = 1

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0...65535, got \(port)") }
        if let instances, instances < 0 { throw ValidationError("--instances must be >= 0") }
        if let simulate, LabWhatIf.rates(simulate) == nil {
            throw ValidationError("--simulate takes R or A:B in req/s (e.g. 400 or 100:900), got '\(simulate)'")
        }
        for (option, values) in [("--slow", slow), ("--fail", fail)] {
            for value in values where Self.routeValue(value) == nil {
                throw ValidationError("\(option) takes ROUTE=NUMBER, got '\(value)'")
            }
        }
        guard duration > 0, duration <= 86_400 else { throw ValidationError("--duration must be in (0, 86400]") }
        guard interval >= 1 else { throw ValidationError("--interval must be >= 1") }
        guard sloP99 > 0, (0...1).contains(maxErrorRate) else { throw ValidationError("--slo-p99 must be > 0 and --max-error-rate in [0, 1]") }
    }

    /// Splits `ROUTE=NUMBER`.
    static func routeValue(_ text: String) -> (String, Double)? {
        let parts = text.split(separator: "=", maxSplits: 1)
        guard parts.count == 2, let value = Double(parts[1]) else { return nil }
        return (String(parts[0]), value)
    }

    func run() async throws {
        var labSpec = try LabSpecLoader.load(path: spec)
        if let instances { labSpec.instances = instances }
        for (route, factor) in slow.compactMap(Self.routeValue) {
            guard labSpec.routes.contains(where: { $0.name == route }), factor > 0 else {
                throw LabCLIError("--slow \(route)=\(factor): no such route or factor <= 0 (routes: \(labSpec.routes.map(\.name).joined(separator: ", ")))")
            }
            labSpec = labSpec.slowingDown(route: route, by: factor)
        }
        for (route, rate) in fail.compactMap(Self.routeValue) {
            guard labSpec.routes.contains(where: { $0.name == route }), (0...1).contains(rate) else {
                throw LabCLIError("--fail \(route)=\(rate): no such route or rate outside [0, 1] (routes: \(labSpec.routes.map(\.name).joined(separator: ", ")))")
            }
            labSpec = labSpec.failing(route: route, rate: rate)
        }
        if printSpec {
            if spec == nil { print(LabSpec.defaultYAML) }
            print(LabSpecLoader.describe(labSpec))
            return
        }
        if let simulate, let (from, to) = LabWhatIf.rates(simulate) {
            print(LabWhatIf(spec: labSpec, fromRate: from, toRate: to, duration: duration, interval: interval,
                            sloP99Ms: sloP99, maxErrorRate: maxErrorRate, seed: seed).report())
            return
        }
        let logger = Logger(label: "shadowcast.lab")
        let server = LabServer(spec: labSpec, configuration: .init(host: host, port: port), logger: logger)
        print(LabSpecLoader.describe(labSpec))
        let group = ServiceGroup(
            configuration: .init(services: [.init(service: server)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
