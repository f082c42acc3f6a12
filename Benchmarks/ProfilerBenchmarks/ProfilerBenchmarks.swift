// Log ingestion throughput, single thread: parse only (Combined → LogFields) and parse + profile
// (ProfileBuilder), in MB/s and lines/s, over a Combined log built from the real sample.
// Input: $SHADOWCAST_BENCH_LOG if set (e.g. a 1 GB log from tools/make-big-combined-log), else
// the shared 10,000-line sample repeated to ~64 MB in /tmp (never committed).
// Run: SHADOWCAST_BENCHMARKS=1 swift package benchmark --target ProfilerBenchmarks
import Benchmark
import Foundation
import Profiler
import Traffic

/// The benchmark input: a file path and its size.
private func benchmarkLog() -> (path: String, bytes: Int)? {
    if let given = ProcessInfo.processInfo.environment["SHADOWCAST_BENCH_LOG"],
       let size = try? FileManager.default.attributesOfItem(atPath: given)[.size] as? Int {
        return (given, size)
    }
    let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let candidates = ["../shared/data/apache_logs", "../../shared/data/apache_logs"].map { repo.appendingPathComponent($0).path }
    guard let sample = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }),
          let data = FileManager.default.contents(atPath: sample) else { return nil }
    let path = NSTemporaryDirectory() + "shadowcast-profiler-bench-64mb.log"
    if let size = try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int, size >= 64_000_000 { return (path, size) }
    var big = Data()
    while big.count < 64_000_000 { big.append(data) }
    guard (try? big.write(to: URL(fileURLWithPath: path))) != nil else { return nil }
    return (path, big.count)
}

let benchmarks: @Sendable () -> Void = {
    guard let log = benchmarkLog() else {
        print("ProfilerBenchmarks: no input (set SHADOWCAST_BENCH_LOG or provide ../shared/data/apache_logs)")
        return
    }
    let megabytesPerSecond = BenchmarkMetric.custom("MB/s", polarity: .prefersLarger, useScalingFactor: false)
    let linesPerSecond = BenchmarkMetric.custom("klines/s", polarity: .prefersLarger, useScalingFactor: false)
    let configuration = Benchmark.Configuration(
        metrics: [.wallClock, .peakMemoryResident, megabytesPerSecond, linesPerSecond],
        warmupIterations: 1, maxDuration: .seconds(60), maxIterations: 5)

    Benchmark("Combined parse only (\(log.bytes / 1_000_000) MB)", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations {
            let start = ContinuousClock.now
            var checksum = 0
            let summary = try LogReader().read(LogSource(path: log.path), format: .combined) { fields, _ in
                checksum &+= fields.status &+ fields.path.count
            }
            blackHole(checksum)
            let seconds = Double((ContinuousClock.now - start) / .nanoseconds(1)) / 1e9
            benchmark.measurement(megabytesPerSecond, Int(Double(summary.bytes) / 1e6 / seconds))
            benchmark.measurement(linesPerSecond, Int(Double(summary.lines) / 1e3 / seconds))
        }
    }

    Benchmark("Combined parse + profile (\(log.bytes / 1_000_000) MB)", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations {
            let start = ContinuousClock.now
            var builder = ProfileBuilder()
            let summary = try builder.ingest(LogSource(path: log.path), format: .combined)
            blackHole(builder.profile())
            let seconds = Double((ContinuousClock.now - start) / .nanoseconds(1)) / 1e9
            benchmark.measurement(megabytesPerSecond, Int(Double(summary.bytes) / 1e6 / seconds))
            benchmark.measurement(linesPerSecond, Int(Double(summary.lines) / 1e3 / seconds))
        }
    }

    // What `shadowcast profile` does end to end (minus argument parsing and the file write).
    Benchmark("Combined parse + profile + JSON (\(log.bytes / 1_000_000) MB)", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations {
            let start = ContinuousClock.now
            var builder = ProfileBuilder()
            let summary = try builder.ingest(LogSource(path: log.path), format: .combined)
            blackHole(try builder.profile().encoded())
            let seconds = Double((ContinuousClock.now - start) / .nanoseconds(1)) / 1e9
            benchmark.measurement(megabytesPerSecond, Int(Double(summary.bytes) / 1e6 / seconds))
            benchmark.measurement(linesPerSecond, Int(Double(summary.lines) / 1e3 / seconds))
        }
    }
}
