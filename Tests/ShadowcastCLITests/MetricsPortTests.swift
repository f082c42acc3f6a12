import ArgumentParser
import Foundation
import Prometheus
import Synchronization
import Testing
@testable import shadowcast
@testable import Shadowcast

@Suite("--metrics-port")
struct MetricsPortTests {
    @Test("load, run, bench, demo and shadow accept --metrics-port and --metrics-host; a bad port is refused")
    func parses() throws {
        let load = try LoadCommand.parse(["http://127.0.0.1:8080/", "--metrics-port", "9464"])
        #expect(load.metricsPort.port == 9464 && load.metricsPort.host == "127.0.0.1")
        #expect(try RunCommand.parse(["p.json", "--target", "http://127.0.0.1:8080", "--metrics-port", "0"]).metricsPort.port == 0)
        #expect(try BenchCommand.parse(["--metrics-port", "9100", "--metrics-host", "::1"]).metricsPort.host == "::1")
        #expect(try DemoCommand.parse(["--metrics-port", "0"]).metricsPort.port == 0)
        #expect(try ShadowCommand.parse(["--primary", "http://127.0.0.1:8081", "--secondary", "http://127.0.0.1:8082", "--metrics-port", "9465"]).metricsPort.port == 9465)
        #expect(try LoadCommand.parse(["http://127.0.0.1:8080/"]).metricsPort.port == nil)
        #expect(throws: (any Error).self) { try LoadCommand.parse(["http://127.0.0.1:8080/", "--metrics-port", "70000"]) }
    }

    @Test("a bounded run against a loopback sink is scraped mid-run and at the end; counters match the result")
    func liveScrape() async throws {
        let sink = try HTTPSink(threads: 1)
        defer { sink.stop() }
        let registry = PrometheusCollectorRegistry()  // not the process-wide one: tests run in parallel
        let announced = Mutex<[String]>([])
        let telemetry = try await MetricsPortOptions.parse(["--metrics-port", "0"])
            .start(verb: "load", registry: registry, announce: { line in announced.withLock { $0.append(line) } })
        let url = try #require(telemetry.url)
        #expect(announced.withLock { $0 } == ["metrics: \(url)"])
        let port = try #require(Int(url.split(separator: ":").last!.split(separator: "/").first!))

        // Stopped below once scraped mid-run. The bound is long because the first snapshot waits
        // for a free cooperative thread, which a full parallel test run can hold for a minute.
        var configuration = EmissionConfiguration(target: .loopback(port: sink.port), model: .constantRate(500))
        configuration.duration = .seconds(300)
        configuration.connections = 4
        let request = try #require(HTTPTargetURL(argument: "http://127.0.0.1:\(sink.port)/")).requestBatch(headers: [])
        let observed = try #require(try telemetry.start(configuration, requests: request))
        // Mid-run: wait for the first live snapshot, scrape over HTTP, let it send a while longer, stop.
        for await _ in observed.snapshots { break }
        let middle = try CLILoopbackHTTP.get(path: "/metrics", port: port)
        try await Task.sleep(for: .milliseconds(500))
        observed.stop()
        let result = await observed.result()
        let end = try CLILoopbackHTTP.get(path: "/metrics", port: port)
        await telemetry.stop()

        func value(_ text: String, _ series: String) -> Double? {
            text.split(separator: "\n").first { $0.hasPrefix(series + " ") }.flatMap { Double($0.dropFirst(series.count + 1)) }
        }
        let midSent = try #require(value(middle, #"shadowcast_requests_sent_total{run="load"}"#))
        #expect(midSent > 0 && midSent < Double(result.sent))
        #expect(value(middle, #"shadowcast_run_active{run="load"}"#) == 1)
        #expect((value(middle, #"shadowcast_response_rate_per_second{run="load"}"#) ?? 0) > 100)
        #expect((value(middle, #"shadowcast_request_latency_seconds_count{run="load"}"#) ?? 0) > 0)

        #expect(result.requests > 250)
        #expect(value(end, #"shadowcast_requests_sent_total{run="load"}"#) == Double(result.sent))
        #expect(value(end, #"shadowcast_responses_total{run="load"}"#) == Double(result.requests))
        #expect(value(end, #"shadowcast_late_sends_total{run="load"}"#) == Double(result.late))
        let errors = RunRecorder.errorKinds.compactMap { value(end, "shadowcast_request_errors_total{run=\"load\",kind=\"\($0)\"}") }
        #expect(errors.count == RunRecorder.errorKinds.count && errors.reduce(0, +) == Double(result.errors.total))
        #expect(value(end, #"shadowcast_request_latency_seconds_count{run="load"}"#) == Double(result.requests))
        let p99 = try #require(value(end, #"shadowcast_request_latency_seconds{run="load",quantile="0.99"}"#))
        #expect(p99 == Double(result.latency.valueAtPercentile(99)) / 1e6)
        let sum = try #require(value(end, #"shadowcast_request_latency_seconds_sum{run="load"}"#))
        // The sum holds every live interval exactly (interval mean × its completions), and the
        // mean it gives lies within the run's latency range.
        let live = result.perSecond.reduce(0.0) { $0 + Double($1.intervalCompleted) * $1.intervalMeanLatencyMicros / 1e6 }
        #expect(sum >= live * 0.999 && live > 0)
        let mean = sum / Double(result.requests)
        #expect(mean >= Double(result.latency.min) / 1e6 * 0.99 && mean <= Double(result.latency.max) / 1e6 * 1.01)
        #expect(value(end, #"shadowcast_run_active{run="load"}"#) == 0)
        #expect(value(end, #"shadowcast_in_flight_requests{run="load"}"#) == 0)
    }
}

/// One `GET` over loopback with `Connection: close`, read to EOF (receive timeout 5 s).
enum CLILoopbackHTTP {
    struct Failure: Error { var what: String }

    static func get(path: String, port: Int) throws -> String {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(what: "socket: \(errno)") }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw Failure(what: "connect: \(errno)") }
        let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8)
        _ = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
        var data: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            data.append(contentsOf: chunk[0..<n])
        }
        let text = String(decoding: data, as: UTF8.self)
        guard text.hasPrefix("HTTP/1.1 200"), let split = text.range(of: "\r\n\r\n") else { throw Failure(what: "unexpected answer: \(text.prefix(200))") }
        return String(text[split.upperBound...])
    }
}
