// Forecaster throughput: LSTM training and inference (fp32, and the opt-in int16 and int8 inference) in
// sequences/s for I=8, H=64/128, T=168, B=64/256, one and two OpenBLAS threads.
// Run: SHADOWCAST_BENCHMARKS=1 swift package benchmark --target ForecastBenchmarks
import Benchmark
import Forecast

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput], warmupIterations: 1, maxDuration: .seconds(3), maxIterations: 30)
    let sequencesPerSecond = BenchmarkMetric.custom("sequences/s", polarity: .prefersLarger, useScalingFactor: false)
    for hidden in [64, 128] {
        for batch in [64, 256] {
            for threads in [1, 2] {
                let shape = LSTMShape(layers: 1, inputSize: 8, hiddenSize: hidden, outputSize: 1, sequenceLength: 168, maxBatch: batch)
                let x = (0..<(168 * batch * 8)).map { Float(($0 * 7919) % 1000) / 1000 - 0.5 }
                let dy = [Float](repeating: 0.01, count: batch)
                let label = "I=8 H=\(hidden) T=168 B=\(batch) threads=\(threads)"
                let config = Benchmark.Configuration(metrics: [.wallClock, .throughput, sequencesPerSecond])
                // fp32, and the opt-in int16 and int8 inference (int8 only where the CPU has AVX-512 VNNI)
                for precision in LSTMInferencePrecision.allCases where precision.isAvailable {
                    let name = precision == .fp32 ? "LSTM inference \(label)" : "LSTM inference \(precision.rawValue) \(label)"
                    Benchmark(name, configuration: config) { benchmark in
                        let net = try LSTMNetwork(shape: shape, seed: 1, threads: threads)
                        try net.setInferencePrecision(precision)
                        benchmark.startMeasurement()
                        for _ in benchmark.scaledIterations {
                            let start = ContinuousClock.now
                            blackHole(try net.forward(x, batch: batch))
                            let s = (ContinuousClock.now - start) / .nanoseconds(1)
                            benchmark.measurement(sequencesPerSecond, Int(Double(batch) * 1e9 / max(1, s)))
                        }
                    }
                }
                Benchmark("LSTM training \(label)", configuration: config) { benchmark in
                    // package-benchmark runs this closure once per sample: a fresh network, whose
                    // first training step allocates and first touches the training workspace
                    // (~60 MB at H=64 B=256). That step is taken before the clock starts, as the
                    // C harness of tools/compare-frameworks does (it measured 2.6x this row's
                    // rate until session 7 moved it out of the measured region).
                    let net = try LSTMNetwork(shape: shape, seed: 1, threads: threads)
                    var y = [Float]()
                    let adam = AdamSettings(learningRate: 1e-3)
                    try net.forwardTrain(x, batch: batch, into: &y)
                    try net.backward(dy)
                    benchmark.startMeasurement()
                    for _ in benchmark.scaledIterations {
                        let start = ContinuousClock.now
                        try net.forwardTrain(x, batch: batch, into: &y)
                        try net.backward(dy)
                        net.clipGradients(maxNorm: 1)
                        try net.adamStep(adam)
                        let s = (ContinuousClock.now - start) / .nanoseconds(1)
                        benchmark.measurement(sequencesPerSecond, Int(Double(batch) * 1e9 / max(1, s)))
                    }
                }
            }
        }
    }
}
