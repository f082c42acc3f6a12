import Benchmark
import Foundation
import Profiler
import Synthesis
import Traffic

/// The real shared sample profiled in-process (what `shadowcast profile apache_logs` gives a
/// run: 50 routes + `{other}`, 20 top agents, no geo), or `nil` when the file is absent.
private func apacheProfile() -> RequestProfile? {
    let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let candidates = ["../shared/data/apache_logs", "../../shared/data/apache_logs"].map { repo.appendingPathComponent($0).path }
    guard let path = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }),
          let source = try? LogSource(path: path) else { return nil }
    var builder = ProfileBuilder()
    guard (try? builder.ingest(source, format: .combined)) != nil else { return nil }
    return builder.profile()
}

/// The demo's shop profile, as `shadowcast demo` builds it (the seeded sample log profiled with
/// the demo's geo prefix table: agents, countries, POST bodies), from two days of sample.
private func demoProfile() -> RequestProfile? {
    let generator = SampleTrafficGenerator(configuration: SampleTrafficConfiguration(days: 2, sessionsPerSecond: 0.05))
    let path = NSTemporaryDirectory() + "shadowcast-synthesis-bench-demo.log"
    guard (try? generator.writeCombinedLog(to: path)) != nil,
          let table = try? GeoPrefixTable(csv: SampleTrafficGenerator.countryPrefixTable(), name: "demo-geo.csv"),
          let source = try? LogSource(path: path) else { return nil }
    defer { try? FileManager.default.removeItem(atPath: path) }
    var configuration = ProfilerConfiguration()
    configuration.geoTable = table
    var builder = ProfileBuilder(configuration: configuration)
    guard (try? builder.ingest(source, format: .combined)) != nil else { return nil }
    return builder.profile()
}

/// Synthesis rate: requests sampled and serialized into RequestBatch chunks per second on one
/// core (the floor is 5 million per second). One iteration = one chunk of 8,192 requests (the
/// default chunk size of `run`).
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.throughput, .wallClock, .mallocCountTotal],
        scalingFactor: .kilo, maxDuration: .seconds(3), maxIterations: 2000)

    func generator(_ profile: RequestProfile, _ configure: (inout SynthesisOptions) -> Void) -> ScheduleGenerator {
        var options = SynthesisOptions()
        options.durationSeconds = 3600
        options.rate = .absolute(1_000_000)
        options.chunkRequests = 8192
        options.chunkSpanNanos = 1_000_000_000_000
        configure(&options)
        // Benchmark set-up, not an input path: the profiles are the bundled ones built above with
        // fixed options, so a failure here is a broken benchmark that must stop the run loudly.
        guard let generator = try? ScheduleGenerator(profile: profile, options: options) else {
            fatalError("the benchmark profile must compile")
        }
        return generator
    }

    func chunks(_ name: String, _ profile: RequestProfile, _ configure: @escaping (inout SynthesisOptions) -> Void = { _ in }) {
        Benchmark(name, configuration: .init(scalingFactor: .one)) { benchmark in
            let g = generator(profile, configure)
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                blackHole(g.nextChunk())
            }
        }
    }

    // The profiles a real run uses: the shared real log and the demo's shop (realistic
    // routes, parameters, agents, countries and bodies).
    if let apache = apacheProfile() {
        chunks("synthesize: open model, apache_logs profile (8192 requests / iteration)", apache)
    } else {
        print("SynthesisBenchmarks: ../shared/data/apache_logs absent, apache_logs benchmark skipped")
    }
    if let demo = demoProfile() {
        chunks("synthesize: open model, demo shop profile (8192 requests / iteration)", demo)
    }

    let shop = ExampleProfile.shop(forecastSteps: 60)
    chunks("synthesize: open model, example profile (8192 requests / iteration)", shop)
    chunks("synthesize: with flash-sale scenario and 1% faults (8192 requests / iteration)", shop) {
        $0.scenario = try? BuiltinScenarios.scenario(named: "flash-sale")
        $0.faults = FaultPlan(rules: [FaultRule(kind: .badHeaderLine, probability: 0.01)])
    }
    chunks("synthesize: shard 0/4 of the one schedule (2048 requests / iteration)", shop) {
        $0.shard = try! Shard(index: 0, count: 4)  // constant, valid (0 < 4): cannot throw
        $0.chunkRequests = 2048
    }
}
