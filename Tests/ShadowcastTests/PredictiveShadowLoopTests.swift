import Foundation
import Logging
import Prometheus
import Shadowcast
import Telemetry
import Testing

/// The predictive loop of `shadowcast shadow` (issue 7), on loopback with short steps.
@Suite("Predictive shadow loop")
struct PredictiveShadowLoopTests {
    /// `count` redacted exchanges as the proxy would deliver them, on three routes.
    static func exchanges(_ count: Int, at time: Double) -> [ShadowExchange] {
        (0..<count).map { i in
            let path = ["/products/\(i % 7)", "/cart", "/search"][i % 3]
            let record = RequestRecord(
                time: time + Double(i) * 1e-3, method: i % 5 == 0 ? "POST" : "GET", path: path,
                status: 200, requestBytes: 0, responseBytes: 512, latency: 0.004, userAgent: "test-agent", client: "c\(i % 4)")
            return ShadowExchange(record: record, primary: .responded(status: 200, latency: 0.004, bodyBytes: 512), secondary: nil)
        }
    }

    /// Runs the loop for `steps` steps of 0.2 s looking 0.2 s ahead (virtual time) against a
    /// fresh sink, the live traffic steady at 50 req/s and the forecast flat at `forecast`.
    static func playFlatForecast(
        _ forecast: LoadForecastPoint, steps: Int, connections: Int, maxRate: Double? = nil, metrics: RunMetrics? = nil
    ) async throws -> PredictiveLoopSummary {
        let secondary = try HTTPSink(host: "127.0.0.1", port: 0)
        defer { secondary.stop() }
        var configuration = PredictiveShadowLoopConfiguration(step: .milliseconds(200), predictAhead: .milliseconds(200))
        configuration.steps = steps
        configuration.pacing = .backToBack
        var synthetic = PredictiveShadowLoopConfiguration.Synthetic(target: .loopback(port: secondary.port), host: "shop.test")
        synthetic.connections = connections
        if let maxRate { synthetic.maxRate = maxRate }
        configuration.synthetic = synthetic
        let traffic = LiveTraffic(stepSeconds: 0.2)
        let now = Date().timeIntervalSince1970
        traffic.ingest(exchanges(10, at: now))
        let loop = try PredictiveShadowLoop(
            configuration: configuration, forecaster: PlannedLoadForecaster(points: [forecast]), traffic: traffic, metrics: metrics)
        return await loop.run { record in traffic.ingest(exchanges(10, at: now + record.time)) }
    }

    @Test("the predictive loop sends more to the secondary before a forecast rise than during a flat period")
    func sendsMoreBeforeARise() async throws {
        let secondary = try HTTPSink(host: "127.0.0.1", port: 0)
        defer { secondary.stop() }
        // 0.2 s steps, 0.6 s (3 steps) ahead. The live traffic is a steady 50 req/s; the forecast
        // is flat at 50 req/s and rises to 400 req/s at t = 2.0 s.
        var configuration = PredictiveShadowLoopConfiguration(step: .milliseconds(200), predictAhead: .milliseconds(600))
        configuration.steps = 10
        // Virtual time: the test does not depend on how the scheduler treats the process (the
        // synthetic runs still take their real 0.2 s each and really reach the sink).
        configuration.pacing = .backToBack
        var synthetic = PredictiveShadowLoopConfiguration.Synthetic(target: .loopback(port: secondary.port), host: "shop.test")
        synthetic.connections = 4
        configuration.synthetic = synthetic
        let plan = PlannedLoadForecaster(points: [
            LoadForecastPoint(time: 0, rate: 50, upperRate: 60),
            LoadForecastPoint(time: 2.0, rate: 400, upperRate: 450),
        ])
        let traffic = LiveTraffic(stepSeconds: 0.2)
        let now = Date().timeIntervalSince1970
        traffic.ingest(Self.exchanges(10, at: now))
        let loop = try PredictiveShadowLoop(configuration: configuration, forecaster: plan, traffic: traffic)
        // Requests the secondary had answered when each step ended. The run started at step k
        // is awaited at step k + 1, so answered[k + 1] - answered[k] is what step k played.
        var answered: [Int: UInt64] = [:]
        let summary = await loop.run { record in
            answered[record.step] = secondary.requestsAnswered
            traffic.ingest(Self.exchanges(10, at: now + record.time))  // 10 per 0.2 s: 50 req/s
        }
        #expect(summary.stepsRun == 10)
        func played(_ steps: ClosedRange<Int>) -> UInt64 {
            steps.reduce(0) { $0 + (answered[$1 + 1] ?? 0) - (answered[$1] ?? 0) }
        }
        // Steps 1…6 look ahead to t ≤ 1.8 s: flat, nothing to play. Steps 7…9 see the rise
        // (400 − 50 = 350 req/s for 0.2 s: 70 requests each).
        let flat = played(1...5)
        let beforeRise = played(7...9)
        #expect(flat == 0, "flat period: \(flat) synthetic requests")
        #expect(beforeRise >= 150, "before the rise: \(beforeRise) synthetic requests")
        #expect(summary.steps.filter { $0.step <= 6 }.allSatisfy { $0.syntheticRate == 0 })
        #expect(summary.steps.filter { (7...9).contains($0.step) }.allSatisfy { abs($0.syntheticRate - 350) < 1e-6 })
        // Predicted vs actual: step 4 onwards has the prediction made 3 steps earlier.
        let step4 = try #require(summary.steps.first { $0.step == 4 })
        #expect(step4.predictedRate == 50 && step4.actualRate == 50)
    }

    @Test("each step's synthetic run is recorded in the metrics endpoint's series, and they add up to the summary")
    func syntheticRunsAreRecordedInMetrics() async throws {
        // Live 50 req/s, forecast 300 req/s: each step plays 250 req/s for 0.2 s.
        let metrics = RunMetrics(registry: PrometheusCollectorRegistry())
        let summary = try await Self.playFlatForecast(
            LoadForecastPoint(time: 0, rate: 300, upperRate: 330), steps: 4, connections: 2, metrics: metrics)
        let text = MetricsExporter(registry: metrics.registry, sources: [metrics]).scrape()
        func value(_ series: String) -> Double? {
            text.split(separator: "\n").first { $0.hasPrefix(series + " ") }.flatMap { Double($0.dropFirst(series.count + 1)) }
        }
        let label = PredictiveShadowLoop.syntheticRunLabel
        let played = summary.steps.filter { $0.syntheticRate > 0 }.count
        #expect(played >= 3)
        #expect(summary.syntheticAnswered > 100)
        #expect(value("shadowcast_runs_started_total{run=\"\(label)\"}") == Double(played))
        #expect(value("shadowcast_responses_total{run=\"\(label)\"}") == Double(summary.syntheticAnswered))
        #expect(value("shadowcast_run_active{run=\"\(label)\"}") == 0)
        #expect(text.contains("shadowcast_request_latency_seconds{run=\"\(label)\",quantile=\"0.99\"}"))
    }

    @Test("synthetic traffic the box cannot send in time is counted late, per step and in all")
    func countsLateSyntheticTraffic() async throws {
        // The forecast asks for 2 million req/s ahead: far beyond what two cores send, so
        // synthesis skips what is already late and the emitter sends late; both are counted.
        let summary = try await Self.playFlatForecast(
            LoadForecastPoint(time: 0, rate: 2_000_000, upperRate: 2_000_000), steps: 3, connections: 4, maxRate: 5_000_000)
        #expect(summary.stepsRun == 3)
        #expect(summary.syntheticAnswered > 0)
        // Two cores cannot send 400,000 requests in 0.2 s: most of each step is late.
        #expect(summary.syntheticLate > 100_000, "late: \(summary.syntheticLate)")
        #expect(summary.syntheticLate >= summary.steps.reduce(0) { $0 + $1.syntheticLate })
        #expect(summary.steps.contains { $0.syntheticLate > 0 })
        #expect(summary.text().contains("\(summary.syntheticLate) late"))
    }

    @Test("the adaptive forecaster collects during warm-up, then forecasts near a steady rate and keeps adapting")
    func adaptiveForecasterWarmsUp() {
        var forecaster = AdaptiveLoadForecaster(stepSeconds: 1, aheadSeconds: 3, warmupSteps: 10)
        for k in 1...9 {
            _ = forecaster.observe(rate: 100 + Double(k % 2), at: Double(k))
            #expect(forecaster.forecast(from: Double(k), ahead: 3).isEmpty)
        }
        let note = forecaster.observe(rate: 100, at: 10)
        #expect(note?.hasPrefix("fitted on 10 steps") == true)
        let points = forecaster.forecast(from: 10, ahead: 3)
        #expect(points.count == 4)
        let ahead = points.point(at: 13)
        #expect(ahead.map { abs($0.rate - 100) < 10 } == true, "\(String(describing: ahead))")
        for k in 11...20 { _ = forecaster.observe(rate: 100, at: Double(k)) }
        #expect(!forecaster.forecast(from: 20, ahead: 3).isEmpty)
    }

    @Test("a graceful stop ends the loop early with a summary of the steps run")
    func stopsEarly() async throws {
        var configuration = PredictiveShadowLoopConfiguration(step: .milliseconds(100), predictAhead: .milliseconds(100))
        configuration.steps = 1_000
        let loop = try PredictiveShadowLoop(
            configuration: configuration, forecaster: PlannedLoadForecaster(points: []), traffic: LiveTraffic(stepSeconds: 0.1))
        let summary = await loop.run { record in
            if record.step >= 3 { loop.stop() }
        }
        // Wall clock: a starved process skips steps, so step 3 may come as the first or second run.
        #expect(summary.stepsRun <= 3)
        #expect(summary.steps.last.map { $0.step >= 3 && $0.step < 1_000 } == true)
        #expect(loop.summary == summary)
    }

    @Test("beside the proxy in one service group: the loop measures the proxied rate and stops at the deadline, then the proxy drains")
    func servesBesideTheProxy() async throws {
        let upstreams = try LoopbackUpstreams()
        defer { upstreams.stop() }
        let stream = ShadowExchangeStream(maxBatches: 256)
        let proxy = try await ShadowProxy.start(upstreams.proxyConfiguration, sink: stream)
        let traffic = LiveTraffic(stepSeconds: 0.2)
        let consumer = Task { for await batch in stream.batches { traffic.ingest(batch) } }
        var configuration = PredictiveShadowLoopConfiguration(step: .milliseconds(200), predictAhead: .milliseconds(400))
        configuration.steps = 1_000  // far more than the deadline allows
        let loop = try PredictiveShadowLoop(configuration: configuration, forecaster: PlannedLoadForecaster(points: []), traffic: traffic)
        // 200 client requests through the proxy while the loop runs.
        let (load, batch) = proxyClients(of: proxy, requests: 200, deadline: .seconds(5))
        let client = try Emitter.start(load, requests: batch)
        var logger = Logger(label: "test")
        logger.logLevel = .error
        let started = ContinuousClock.now
        let stats = try await loop.serve(beside: proxy, duration: .milliseconds(1_500), logger: logger)
        let elapsed = ContinuousClock.now - started
        let sent = await client.result()
        await consumer.value  // the stream finishes when the proxy has stopped
        let summary = try #require(loop.summary)
        // Stopped with the group: never more steps than the time it ran allows (missed steps
        // are skipped, not caught up), even when parallel tests starve the thread pool.
        #expect(summary.stepsRun >= 1)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        #expect(Double(summary.stepsRun + summary.skippedSteps) * 0.2 <= seconds + 0.4,
                "steps \(summary.stepsRun) + \(summary.skippedSteps) skipped in \(elapsed)")
        #expect(sent.requests == 200)
        #expect(stats.requests == 200)
        let measured = summary.steps.compactMap(\.actualRate).reduce(0, +) * 0.2
        #expect(traffic.totalRequests == 200)
        // Every proxied request is in one step's rate or still waiting for the next step.
        let unattributed = traffic.takeStepCount()
        if summary.skippedSteps == 0 {
            #expect(Int(measured.rounded()) + unattributed == 200, "measured \(measured) + \(unattributed) waiting")
        } else {
            #expect(Int(measured.rounded()) + unattributed <= 200)
        }
    }
}
