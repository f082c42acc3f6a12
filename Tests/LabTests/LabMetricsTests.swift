import Testing
@testable import Lab

@Suite struct LabMetricsTests {
    @Test("route names are escaped in label values: backslash, double quote, line feed")
    func routeLabelsAreEscaped() {
        var metrics = LabMetrics()
        metrics.record(route: "a\"b\\c\nd", status: 200, latency: 0.002)
        let text = metrics.exposition(pool: InstancePool(instances: 1, workersPerInstance: 1, queueLimit: 0), spec: .default)
        #expect(text.contains(#"lab_requests_total{route="a\"b\\c\nd",status="200"} 1"#))
        #expect(text.contains(#"lab_request_duration_seconds_count{route="a\"b\\c\nd"} 1"#))
        // One sample a line: the raw line feed never reaches the output.
        #expect(!text.contains("a\"b\\c\nd"))
    }
}
