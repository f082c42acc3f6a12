import Foundation
import Report
import Shadow
import Testing
import Traffic
@testable import Shadowcast

@Suite("shadow report: primary vs secondary from the exchange records")
struct ShadowComparisonRecorderTests {
    static let origin = 1_800_000_000.0

    /// One exchange at `origin + t` seconds on `path`, answered by both sides with the given latencies.
    static func exchange(t: Double, path: String, primary: Double, secondary: Double?, status: Int = 200) -> ShadowExchange {
        let record = RequestRecord(time: origin + t, method: "GET", path: path, status: status, latency: primary)
        return ShadowExchange(record: record, primary: .responded(status: status, latency: primary, bodyBytes: 10),
                              secondary: secondary.map { .responded(status: status, latency: $0, bodyBytes: 10) })
    }

    @Test("requests are tallied per templated route and per second; quiet seconds show as 0 req/s")
    func talliesRoutesAndSeconds() throws {
        var recorder = ShadowComparisonRecorder(origin: Self.origin, openSeconds: 2)
        for i in 0..<10 { recorder.add(Self.exchange(t: 0.05 * Double(i), path: "/items/\(i + 1)", primary: 0.002, secondary: 0.004)) }
        for i in 0..<4 { recorder.add(Self.exchange(t: 3.1 + 0.1 * Double(i), path: "/cart", primary: 0.001, secondary: nil)) }
        recorder.finish()
        #expect(recorder.routeNames == ["GET /items/{id}", "GET /cart"])
        #expect(recorder.primarySeconds.map(\.t) == [0, 1, 2, 3])
        #expect(recorder.primarySeconds.map(\.requests) == [10, 0, 0, 4])
        #expect(recorder.secondarySeconds.map(\.requests) == [10])  // only the mirrored second
        let first = try #require(recorder.secondarySeconds.first)
        #expect(abs(first.p50Ms - 4) < 0.05)
        #expect(recorder.primaryTotal.requests == 14)
        #expect(recorder.secondaryTotal.requests == 10)
        let secondary = recorder.secondaryResults(seconds: 4)
        #expect(secondary.routes?.keys.sorted() == ["GET /items/{id}"])
    }

    @Test("copies the proxy never sent are not the secondary's failures; its own failures are errors")
    func proxySideFailuresStayOut() {
        var recorder = ShadowComparisonRecorder(origin: Self.origin)
        let record = RequestRecord(time: Self.origin + 0.5, method: "GET", path: "/", status: 200, latency: 0.001)
        let ok = ShadowOutcome.responded(status: 200, latency: 0.001, bodyBytes: 1)
        recorder.add(ShadowExchange(record: record, primary: ok, secondary: .failed(.queueFull)))
        recorder.add(ShadowExchange(record: record, primary: ok, secondary: .failed(.bodyTooLarge)))
        recorder.add(ShadowExchange(record: record, primary: ok, secondary: .failed(.timeout)))
        recorder.add(ShadowExchange(record: record, primary: ok, secondary: .responded(status: 503, latency: 0.002, bodyBytes: 1)))
        recorder.finish()
        #expect(recorder.notMirrored == [.queueFull: 1, .bodyTooLarge: 1])
        #expect(recorder.secondaryTotal.requests == 2)
        #expect(recorder.secondaryTotal.errors == ["timeout": 1, "http_5xx": 1])
        #expect(recorder.primaryTotal.errors.isEmpty)
        #expect(recorder.secondarySeconds.map(\.errors) == [2])
    }

    @Test("a record that comes after its second closed counts in the totals, not the timeline; routes past the cap are pooled")
    func lateRecordsAndRouteCap() {
        var recorder = ShadowComparisonRecorder(origin: Self.origin, openSeconds: 1, maxRoutes: 2)
        recorder.add(Self.exchange(t: 0.5, path: "/a", primary: 0.001, secondary: nil))
        recorder.add(Self.exchange(t: 5.5, path: "/b", primary: 0.001, secondary: nil))   // closes seconds through 4
        recorder.add(Self.exchange(t: 1.5, path: "/c", primary: 0.001, secondary: nil))   // late, and a third route
        recorder.add(Self.exchange(t: -3, path: "/a", primary: 0.001, secondary: nil))    // before the proxy started
        recorder.finish()
        #expect(recorder.lateRecords == 1)
        #expect(recorder.outOfRangeRecords == 1)
        #expect(recorder.primaryTotal.requests == 4)
        #expect(recorder.primarySeconds.reduce(0) { $0 + $1.requests } == 2)
        #expect(recorder.otherRouteRequests == 1)
        #expect(Set(recorder.routeNames) == ["GET /a", "GET /b", ShadowComparisonRecorder.otherRoute])
    }

    @Test("the summary names the route that costs the slow secondary most, and holds no secret from the traffic")
    func summaryFindsTheBottleneck() throws {
        var recorder = ShadowComparisonRecorder(origin: Self.origin)
        var random = SystemRandomNumberGenerator()
        for i in 0..<600 {
            let t = Double(i) / 100
            let jitter = Double.random(in: 0.9...1.1, using: &random)
            // /search: the expensive route, 4x slower on the secondary; /items: cheap and unchanged.
            if i % 3 == 0 {
                recorder.add(Self.exchange(t: t, path: "/search", primary: 0.040 * jitter, secondary: 0.160 * jitter))
            } else {
                recorder.add(Self.exchange(t: t, path: "/items/\(i)", primary: 0.002 * jitter, secondary: 0.002 * jitter))
            }
        }
        recorder.finish()
        let started = Date(timeIntervalSince1970: Self.origin)
        let summary = ShadowRunSummary(
            recorder: recorder, stats: ShadowStats(), loop: nil,
            command: ["shadowcast", "shadow", "--primary", "http://user:pw@127.0.0.1:1"],
            primary: "127.0.0.1:1", secondary: "127.0.0.1:2", mirrorPercent: 100,
            started: started, ended: started.addingTimeInterval(6)).summary()
        #expect(summary.meta.targets.map(\.role) == [.primary, .secondary])
        #expect(summary.routes.map(\.route) == ["GET /items/{id}", "GET /search"])
        #expect(summary.timeline.primary.count == 6)
        #expect(summary.timeline.secondary.count == 6)
        #expect(summary.latency.primary.isEmpty == false && summary.latency.secondary.isEmpty == false)
        let top = try #require(summary.findings.first)
        #expect(top.severity == .critical)
        #expect(top.sentence.hasPrefix("Bottleneck: GET /search"), "\(top.sentence)")
        let search = try #require(summary.routes.first { $0.route == "GET /search" })
        #expect((search.latencyRatio ?? 0) > 3)
        let json = String(decoding: try SummaryCodec.encode(summary), as: UTF8.self)
        #expect(!json.contains("user:pw"))
    }

    @Test("records of a real proxy between two loopback sinks make a report that is written and reads back")
    func proxyRecordsMakeAReport() async throws {
        let upstreams = try LoopbackUpstreams()
        defer { upstreams.stop() }
        let stream = ShadowExchangeStream(maxBatches: 256)
        let started = Date()
        let proxy = try await ShadowProxy.start(upstreams.proxyConfiguration, sink: stream)
        let consumer = Task {
            var recorder = ShadowComparisonRecorder(origin: started.timeIntervalSince1970)
            for await batch in stream.batches { recorder.add(batch) }
            recorder.finish()
            return recorder
        }
        let (load, batch) = proxyClients(of: proxy, requests: 150, deadline: .seconds(10))
        let sent = try await Emitter.run(load, requests: batch)
        let stats = try await proxy.shutdown(drainTimeout: .seconds(5))  // the stream finishes once drained
        let recorder = await consumer.value
        #expect(sent.requests == 150)
        #expect(recorder.primaryTotal.requests == UInt64(stats.requests))
        #expect(recorder.secondaryTotal.requests == UInt64(stats.mirrorCompleted + stats.mirrorDrops.filter { !ShadowComparisonRecorder.isProxySide($0.key) }.values.reduce(0, +)))
        #expect(recorder.routeNames == ["GET /items/{id}"])

        let summary = ShadowRunSummary(
            recorder: recorder, stats: stats, loop: nil, command: ["shadowcast", "shadow"], primary: "primary", secondary: "secondary",
            mirrorPercent: 100, started: started, ended: Date()).summary()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("shadow-report-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let written = try ReportWriter().write(summary, to: dir)
        let back = try SummaryCodec.read(from: written.summary)
        #expect(back.routes.first?.requests == Int(recorder.secondaryTotal.requests))
        #expect(back.timeline.primary.reduce(0) { $0 + $1.rate } + Double(recorder.lateRecords) == Double(stats.requests))
        #expect(try String(contentsOf: written.html, encoding: .utf8).contains("GET /items/{id}"))
    }
}
