// Emission engine micro and loopback benchmarks.
//  - Response parser: the C incremental parser (cemit_http_parse) over a buffer of 10,000
//    keep-alive responses (Content-Length and chunked mixed), in responses/s and MB/s.
//  - Open-model scheduler: a constant-rate run (20,000 req/s for 2 s, one connection pool, the
//    built-in io_uring sink on loopback), reporting the achieved rate and the p99 send lateness
//    (actual send − intended send) in microseconds. Loopback on a shared box is noisy: read the
//    ratios in Benchmarks/results/emission.md, measured with tools/compare-wrk.
// Run: SHADOWCAST_BENCHMARKS=1 swift package benchmark --target EmissionBenchmarks
import Benchmark
import CEmit
import Emission
import Foundation
import Traffic

/// 10,000 responses as a server would send them on one keep-alive connection.
private let responseBuffer: [UInt8] = {
    let length = Array("HTTP/1.1 200 OK\r\nServer: bench\r\nContent-Type: text/plain\r\nContent-Length: 12\r\n\r\nhello world\n".utf8)
    let chunked = Array("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n7\r\n{\"a\":1}\r\n0\r\n\r\n".utf8)
    var bytes: [UInt8] = []
    for i in 0..<10_000 { bytes += i % 4 == 3 ? chunked : length }
    return bytes
}()

/// Parses every response in `bytes`, fed in `piece`-byte reads; returns the number parsed.
private func parseAll(_ bytes: [UInt8], piece: Int) -> Int {
    var parser = cemit_http_parser()
    cemit_http_parser_init(&parser, 0)
    var done = 0
    bytes.withUnsafeBufferPointer { buffer in
        var start = 0
        while start < buffer.count {
            let end = min(start + piece, buffer.count)
            var position = start
            while position < end {
                var used = 0
                let rc = cemit_http_parse(&parser, buffer.baseAddress! + position, end - position, &used)
                if rc < 0 { return }
                if rc == Int32(CEMIT_HTTP_MORE) { break }
                position += used
                done += 1
                cemit_http_parser_init(&parser, 0)
            }
            start = end
        }
    }
    return done
}

let benchmarks: @Sendable () -> Void = {
    let responsesPerSecond = BenchmarkMetric.custom("kresponses/s", polarity: .prefersLarger, useScalingFactor: false)
    let megabytesPerSecond = BenchmarkMetric.custom("MB/s", polarity: .prefersLarger, useScalingFactor: false)
    let parserConfiguration = Benchmark.Configuration(
        metrics: [.wallClock, .cpuTotal, responsesPerSecond, megabytesPerSecond],
        warmupIterations: 2, maxDuration: .seconds(10), maxIterations: 50)

    for piece in [4096, 64] {
        Benchmark("Response parser, 10,000 responses in \(piece)-byte reads", configuration: parserConfiguration) { benchmark in
            for _ in benchmark.scaledIterations {
                let start = ContinuousClock.now
                let parsed = parseAll(responseBuffer, piece: piece)
                precondition(parsed == 10_000, "parser benchmark input no longer parses: \(parsed)")
                let seconds = Double((ContinuousClock.now - start) / .nanoseconds(1)) / 1e9
                benchmark.measurement(responsesPerSecond, Int(Double(parsed) / 1e3 / seconds))
                benchmark.measurement(megabytesPerSecond, Int(Double(responseBuffer.count) / 1e6 / seconds))
            }
        }
    }

    let achieved = BenchmarkMetric.custom("achieved req/s", polarity: .prefersLarger, useScalingFactor: false)
    let latenessP99 = BenchmarkMetric.custom("send lateness p99 (us)", polarity: .prefersSmaller, useScalingFactor: false)
    let late = BenchmarkMetric.custom("late sends (> 1 ms)", polarity: .prefersSmaller, useScalingFactor: false)
    let schedulerConfiguration = Benchmark.Configuration(
        metrics: [achieved, latenessP99, late], warmupIterations: 0, maxDuration: .seconds(30), maxIterations: 3)

    for backend in [EmissionConfiguration.Backend.uring, .epoll] {
        Benchmark("Open model 20,000 req/s for 2 s (\(backend.rawValue))", configuration: schedulerConfiguration) { benchmark in
            guard let sink = try? HTTPSink() else { return }
            defer { sink.stop() }
            var batch = RequestBatch(routes: ["GET /"])
            batch.append(Array("GET / HTTP/1.1\r\nHost: bench\r\n\r\n".utf8), route: 0)
            var configuration = EmissionConfiguration(target: .loopback(port: sink.port), model: .constantRate(20_000))
            configuration.backend = backend
            configuration.duration = .seconds(2)
            for _ in benchmark.scaledIterations {
                let result = try await Emitter.run(configuration, requests: batch)
                benchmark.measurement(achieved, Int(Double(result.sent) / max(result.durationSeconds, 1e-9)))
                benchmark.measurement(latenessP99, Int(result.sendLateness.valueAtPercentile(99)))
                benchmark.measurement(late, Int(result.late))
            }
        }
    }
}
