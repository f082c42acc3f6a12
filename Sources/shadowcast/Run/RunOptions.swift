import ArgumentParser
import Foundation
import Shadowcast

/// Synthesis options of `shadowcast run` (what to send; `EmitterOptions` says how).
struct SynthesisArguments: ParsableArguments {
    @Option(name: .shortAndLong, help: "Run length, e.g. 30s, 10m, 1h.")
    var duration: DurationArgument = DurationArgument(argument: "1m")!

    @Option(help: "Forecast quantile to follow (0…1, default 0.5).")
    var quantile: Double?

    @Flag(help: "Follow a sampled path between the forecast's quantiles instead of one quantile.")
    var sampledPath = false

    @Option(help: "Absolute mean rate over the run, requests per second (shape kept).")
    var rate: Double?

    @Option(help: "Multiply the profile's rate.")
    var rateScale: Double?

    @Flag(help: "Session-driven arrivals: sessions walk the profile's route chain with think times.")
    var sessions = false

    @Flag(help: "Evenly spaced arrivals at the curve's rate (one every 1/rate seconds, as wrk2) instead of a Poisson process: the rate without its bursts.")
    var evenArrivals = false

    @Option(help: "Profile seconds per run second (24: a day of traffic in an hour).")
    var timeCompression: Double = 1

    @Option(name: .customLong("route-share"), help: ArgumentHelp("Set a route's share, repeatable: '/checkout=0.2'.", valueName: "route=share"))
    var routeShares: [String] = []

    @Option(help: "Multiply sampled body sizes.")
    var payloadScale: Double = 1

    @Option(name: .customLong("user-agent"), help: ArgumentHelp("Replace the UA mix, repeatable: 'k6/0.50=0.5'.", valueName: "agent=weight"))
    var userAgents: [String] = []

    @Option(name: .customLong("geo"), help: ArgumentHelp("Replace the country mix, repeatable: 'US=0.6'.", valueName: "country=weight"))
    var geo: [String] = []

    @Option(help: "Name of the header carrying the sampled country.")
    var geoHeader: String = "X-Geo-Country"

    @Option(help: "A built-in scenario (\(BuiltinScenarios.names.joined(separator: ", "))) or a scenario YAML file.")
    var scenario: String?

    @Option(help: "Fault-injection YAML file.")
    var faults: String?

    @Option(help: "Seed of every random draw (same seed → same requests and timestamps).")
    var seed: UInt64 = 1

    @Option(help: "Send part i of N of the one schedule (request k goes to shard k % N).")
    var shard: String?

    func validate() throws {
        guard duration.duration > .zero else { throw ValidationError("--duration must be positive") }
        if let quantile, !(0...1).contains(quantile) { throw ValidationError("--quantile must be within 0…1") }
        if rate != nil && rateScale != nil { throw ValidationError("--rate and --rate-scale exclude each other") }
        if evenArrivals && sessions { throw ValidationError("--even-arrivals and --sessions exclude each other") }
        if let rate, !(rate > 0) || !rate.isFinite { throw ValidationError("--rate must be a positive number of requests per second") }
        if let rateScale, !(rateScale > 0) || !rateScale.isFinite { throw ValidationError("--rate-scale must be positive") }
        guard timeCompression > 0, timeCompression.isFinite else { throw ValidationError("--time-compression must be positive") }
        guard payloadScale >= 0, payloadScale.isFinite else { throw ValidationError("--payload-scale must be >= 0") }
        if let shard { do { _ = try Shard(parsing: shard) } catch { throw ValidationError("--shard: \(error)") } }
        for (flag, values) in [("--route-share", routeShares), ("--user-agent", userAgents), ("--geo", geo)] {
            for value in values where Self.pair(value) == nil {
                throw ValidationError("\(flag) '\(value)' must look like name=number")
            }
        }
    }

    /// `name=number` split at the last `=`.
    static func pair(_ text: String) -> (String, Double)? {
        guard let equals = text.lastIndex(of: "="), let value = Double(text[text.index(after: equals)...]), value >= 0, value.isFinite else { return nil }
        let name = String(text[..<equals])
        return name.isEmpty ? nil : (name, value)
    }

    /// The synthesis options; `host` is the target's Host header value.
    func options(host: String) throws -> SynthesisOptions {
        var o = SynthesisOptions()
        o.seed = seed
        o.durationSeconds = Double(duration.duration.components.seconds) + Double(duration.duration.components.attoseconds) / 1e18
        o.curve = sampledPath ? .sampledPath : .quantile(quantile ?? 0.5)
        o.arrivals = sessions ? .sessions : evenArrivals ? .even : .open
        if let rate { o.rate = .absolute(rate) } else if let rateScale { o.rate = .scale(rateScale) }
        o.timeCompression = timeCompression
        o.routeShares = Dictionary(routeShares.compactMap(Self.pair), uniquingKeysWith: { _, b in b })
        o.payloadScale = payloadScale
        if !userAgents.isEmpty { o.userAgents = userAgents.compactMap(Self.pair).map { WeightedValue(value: $0.0, weight: $0.1, count: 0) } }
        if !geo.isEmpty { o.geo = geo.compactMap(Self.pair).map { WeightedValue(value: $0.0, weight: $0.1, count: 0) } }
        o.geoHeader = geoHeader
        o.host = host
        if let scenario { o.scenario = try BuiltinScenarios.load(nameOrPath: scenario) }
        if let faults { o.faults = try FaultPlan.load(path: faults) }
        if let shard { o.shard = try Shard(parsing: shard) }
        return o
    }
}
