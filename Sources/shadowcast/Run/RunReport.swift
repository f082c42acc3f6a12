import ArgumentParser
import Foundation
import Histogram
import Shadowcast

/// The JSON of `shadowcast run`: the keys of `shadowcast load`'s report (`requests`,
/// `duration_s`, `rps`, `errors`, `late`, `latency_ms`, `routes`, `histogram_us`, …) plus
/// `scenario`, `rate_source`, `seed`, `shard`, `scheduled`, `scheduled_all_shards`, `late_skipped`
/// and `faults`.
///
/// Accounting: `scheduled` is this shard's requests drawn from the schedule; each was sent
/// (`sent`) or is late: `late` counts the emitter's late sends and unsent requests plus
/// `late_skipped`, the requests the producer found already late and never rendered
/// (``SchedulePacing``; not attributed to routes, so `routes.*.late` are the emitter's).
///
/// With `--max` (closed model) `model` is `"closed"` and `pipeline` is set (as in `load --max`);
/// `scheduled` is then the requests synthesized for this shard, sent or still queued ahead of the
/// engine when the run ended, and `late` / `late_skipped` are 0 (send times are ignored).
///
/// `latency_ms`, `histogram_us` and `errors` cover clean requests only (the SLO view); faulted
/// requests are recorded under their own `fault:<kind>` routes and summarised in `faults`.
struct RunReport: Encodable {
    struct FaultReport: Encodable {
        var generated: Int
        var completed: UInt64
        var errors: [String: UInt64]
    }

    var load: LoadReport
    var scenario: String?
    var rate_source: String
    var seed: UInt64
    var shard: String
    var scheduled: Int
    var scheduled_all_shards: Int
    var late_skipped: Int
    var faults: [String: FaultReport]

    enum Keys: String, CodingKey { case scenario, rate_source, seed, shard, scheduled, scheduled_all_shards, late_skipped, faults }

    init(result: EmissionResult, configuration: EmissionConfiguration, stats: SynthesisStats, options: SynthesisOptions, plan: RatePlan) {
        var load = LoadReport(result: result, configuration: configuration)
        let clean = RunReport.cleanLatency(result)
        load.latency_ms = LatencySummary(microseconds: clean.latency)
        load.service_ms = LatencySummary(microseconds: clean.service)
        load.histogram_us = clean.latency.bucketPairs
        var errors = EmissionErrorCounts()
        for route in result.routes where !route.name.hasPrefix("fault:") { errors = errors + route.errors }
        load.errors = Dictionary(uniqueKeysWithValues: errors.byKind.map { ($0.kind, $0.count) })
        self.load = load
        scenario = options.scenario?.name
        rate_source = plan.source.description
        seed = options.seed
        shard = options.shard.description
        scheduled = stats.shardScheduled
        scheduled_all_shards = stats.scheduled
        late_skipped = stats.skippedLate
        var faults: [String: FaultReport] = [:]
        for (kind, count) in stats.faults {
            let route = result.routes.first { $0.name == kind.routeName }
            faults[kind.rawValue] = FaultReport(
                generated: count, completed: route?.requests ?? 0,
                errors: Dictionary(uniqueKeysWithValues: (route?.errors ?? EmissionErrorCounts()).byKind.map { ($0.kind, $0.count) }))
        }
        self.faults = faults
    }

    /// Latency of the clean routes only.
    static func cleanLatency(_ result: EmissionResult) -> (latency: Histogram<UInt64>, service: Histogram<UInt64>) {
        var latency = Histogram<UInt64>.microseconds()
        var service = Histogram<UInt64>.microseconds()
        for route in result.routes where !route.name.hasPrefix("fault:") {
            latency.add(route.latency)
            service.add(route.serviceTime)
        }
        return (latency, service)
    }

    func encode(to encoder: Encoder) throws {
        try load.encode(to: encoder)
        var container = encoder.container(keyedBy: Keys.self)
        try container.encodeIfPresent(scenario, forKey: .scenario)
        try container.encode(rate_source, forKey: .rate_source)
        try container.encode(seed, forKey: .seed)
        try container.encode(shard, forKey: .shard)
        try container.encode(scheduled, forKey: .scheduled)
        try container.encode(scheduled_all_shards, forKey: .scheduled_all_shards)
        try container.encode(late_skipped, forKey: .late_skipped)
        try container.encode(faults, forKey: .faults)
    }
}

extension EmissionErrorCounts {
    static func + (a: EmissionErrorCounts, b: EmissionErrorCounts) -> EmissionErrorCounts {
        EmissionErrorCounts(refused: a.refused + b.refused, reset: a.reset + b.reset, timeout: a.timeout + b.timeout,
                            closedEarly: a.closedEarly + b.closedEarly, parse: a.parse + b.parse, other: a.other + b.other)
    }
}

/// Writes the HdrHistogram percentile distribution (`.hgrm` text, milliseconds) of clean requests.
func writeHgrm(_ histogram: Histogram<UInt64>, to path: String) throws {
    var text = ""
    histogram.outputPercentileDistribution(to: &text, outputValueUnitScalingRatio: 1000)
    do { try Data(text.utf8).write(to: URL(fileURLWithPath: path)) } catch {
        throw ValidationError("cannot write the .hgrm file '\(path)': \(error.localizedDescription)")
    }
}
