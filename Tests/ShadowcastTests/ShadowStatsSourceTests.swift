import Foundation
import Shadowcast
import Testing

@Suite("Shadow proxy counters in Prometheus text")
struct ShadowStatsSourceTests {
    /// `name{labels} value` lines of the exposition, keyed by everything before the value.
    static func samples(_ text: String) -> [String: Double] {
        var samples: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            samples[String(line[..<space])] = value
        }
        return samples
    }

    @Test("nothing is served before the first snapshot")
    func emptyBeforeFirstSnapshot() {
        var buffer: [UInt8] = []
        ShadowStatsSource().emitPrometheusText(into: &buffer)
        #expect(buffer.isEmpty)
    }

    @Test("a live proxy's counters: requests, mirrored, drops by reason, latency by side")
    func liveProxyCounters() async throws {
        let primary = try HTTPSink(host: "127.0.0.1", port: 0)
        defer { primary.stop() }
        let secondary = try HTTPSink(host: "127.0.0.1", port: 0)
        defer { secondary.stop() }
        var shadow = ShadowConfiguration(
            listen: ShadowEndpoint(host: "127.0.0.1", port: 0), primary: ShadowEndpoint(host: "127.0.0.1", port: Int(primary.port)),
            secondary: ShadowEndpoint(host: "127.0.0.1", port: Int(secondary.port)))
        shadow.eventLoops = 1
        let proxy = try await ShadowProxy.start(shadow, sink: nil)
        var load = EmissionConfiguration(target: .loopback(port: UInt16(proxy.localAddress.port)), model: .closed(pipeline: 1))
        load.connections = 2
        load.requestLimit = 120
        load.duration = .seconds(10)
        var batch = RequestBatch(routes: ["GET /"])
        batch.append(Array("GET /items/1 HTTP/1.1\r\nHost: shop.test\r\n\r\n".utf8), route: 0)
        let sent = try await Emitter.run(load, requests: batch)
        #expect(sent.requests == 120)

        let source = ShadowStatsSource()
        let poller = Task { await source.poll(proxy, every: .milliseconds(20)) }
        // The mirror completes asynchronously: wait (bounded) until the snapshot shows it.
        var text = ""
        for _ in 0..<250 {
            var buffer: [UInt8] = []
            source.emitPrometheusText(into: &buffer)
            text = String(decoding: buffer, as: UTF8.self)
            if let done = Self.samples(text)["shadowcast_shadow_mirror_completed_total"], done >= 120 { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        poller.cancel()
        let stats = try await proxy.shutdown()
        let samples = Self.samples(text)
        #expect(samples["shadowcast_shadow_requests_total"] == 120)
        #expect(samples["shadowcast_shadow_primary_responses_total"] == 120)
        #expect(samples["shadowcast_shadow_mirror_sampled_total"] == 120)
        #expect(samples["shadowcast_shadow_mirror_completed_total"] == 120)
        #expect(samples["shadowcast_shadow_mirror_dropped_total{reason=\"queueFull\"}"] == 0)
        #expect(samples["shadowcast_shadow_latency_seconds_count{side=\"primary\"}"] == 120)
        #expect(samples["shadowcast_shadow_latency_seconds_count{side=\"secondary\"}"] == Double(stats.secondaryLatencyMicros.totalCount))
        let p99 = try #require(samples["shadowcast_shadow_latency_seconds{side=\"primary\",quantile=\"0.99\"}"])
        #expect(p99 > 0 && p99 < 10)
        #expect(text.contains("# TYPE shadowcast_shadow_requests_total counter"))
    }
}
