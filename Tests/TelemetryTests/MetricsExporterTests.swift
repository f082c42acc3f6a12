import Foundation
import Metrics
import Prometheus
import Testing
import TestSupport
@testable import Telemetry

@Suite("Prometheus metrics endpoint")
struct MetricsExporterTests {
    @Test("a counter incremented through swift-metrics is scraped over loopback")
    func scrapeCounter() async throws {
        MetricsExporter.bootstrapMetricsSystem()
        #expect(MetricsExporter.bootstrapMetricsSystem() == false)  // a second call is harmless
        let label = "shadowcast_test_requests_sent_total_\(UInt32.random(in: 0...UInt32.max))"
        let counter = Counter(label: label, dimensions: [("route", "GET /products")])
        counter.increment(by: 41)
        counter.increment()

        let exporter = MetricsExporter(configuration: .init(port: 0))
        let port = try await exporter.start()
        #expect(port > 0)
        let response = try LoopbackHTTP.request(path: "/metrics", port: port)
        try await exporter.stop()

        #expect(response.status == 200)
        #expect(response.headers["content-type"]?.hasPrefix("text/plain; version=0.0.4") == true)
        #expect(response.body.contains("# TYPE \(label) counter"))
        #expect(response.body.contains("\(label){route=\"GET /products\"} 42"))
    }

    @Test("other paths get 404 and other methods 405; the endpoint stops")
    func routing() async throws {
        let registry = PrometheusCollectorRegistry()
        registry.makeGauge(name: "shadowcast_instances").set(to: 3.0)
        let exporter = MetricsExporter(configuration: .init(port: 0), registry: registry)
        let port = try await exporter.start()
        #expect(try await exporter.start() == port)  // starting twice keeps the same endpoint
        #expect(try LoopbackHTTP.request(path: "/", port: port).status == 404)
        #expect(try LoopbackHTTP.request("POST", path: "/metrics", port: port).status == 405)
        let ok = try LoopbackHTTP.request(path: "/metrics?x=1", port: port)
        #expect(ok.status == 200 && ok.body.contains("shadowcast_instances 3"))
        #expect(exporter.scrape().contains("shadowcast_instances 3"))
        try await exporter.stop()
        #expect(throws: LoopbackHTTP.Failure.self) { try LoopbackHTTP.request(path: "/metrics", port: port, timeoutSeconds: 1) }
    }

    @Test("a port in use or out of range is a clear error")
    func badPorts() async throws {
        let first = MetricsExporter(configuration: .init(port: 0))
        let port = try await first.start()
        let second = MetricsExporter(configuration: .init(port: port))
        await #expect(throws: MetricsExporterError.self) { try await second.start() }
        try await first.stop()
        let invalid = MetricsExporter(configuration: .init(port: 70_000))
        await #expect(throws: MetricsExporterError.invalidPort(70_000)) { try await invalid.start() }
        #expect(MetricsExporterError.invalidPort(70_000).description.contains("--metrics-port 70000"))
    }
}
