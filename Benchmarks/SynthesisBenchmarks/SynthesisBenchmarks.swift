import Benchmark
import Profiler
import Synthesis
import Traffic

/// Synthesis rate: requests sampled and serialized into RequestBatch chunks per second on one
/// core (the floor is 5 million per second). One iteration = one chunk of 8,192 requests; the
/// throughput metric is scaled so that it reads in requests per second.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.throughput, .wallClock, .mallocCountTotal],
        scalingFactor: .kilo, maxDuration: .seconds(3), maxIterations: 2000)

    func generator(_ configure: (inout SynthesisOptions) -> Void) -> ScheduleGenerator {
        var options = SynthesisOptions()
        options.durationSeconds = 3600
        options.rate = .absolute(1_000_000)
        options.chunkRequests = 8192
        options.chunkSpanNanos = 1_000_000_000_000
        configure(&options)
        guard let generator = try? ScheduleGenerator(profile: ExampleProfile.shop(forecastSteps: 60), options: options) else {
            fatalError("the example profile must compile")
        }
        return generator
    }

    // Each iteration produces 8,192 requests; scalingFactor .kilo → reported "K" ≈ 8 × this.
    Benchmark("synthesize: open model, example profile (8192 requests / iteration)",
              configuration: .init(scalingFactor: .one)) { benchmark in
        let g = generator { _ in }
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(g.nextChunk())
        }
    }

    Benchmark("synthesize: with flash-sale scenario and 1% faults (8192 requests / iteration)",
              configuration: .init(scalingFactor: .one)) { benchmark in
        let g = generator {
            $0.scenario = try? BuiltinScenarios.scenario(named: "flash-sale")
            $0.faults = FaultPlan(rules: [FaultRule(kind: .badHeaderLine, probability: 0.01)])
        }
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(g.nextChunk())
        }
    }

    Benchmark("synthesize: shard 0/4 of the one schedule (2048 requests / iteration)",
              configuration: .init(scalingFactor: .one)) { benchmark in
        let g = generator { $0.shard = try! Shard(index: 0, count: 4); $0.chunkRequests = 2048 }
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(g.nextChunk())
        }
    }
}
