import Testing
@testable import Monitor

@Suite struct PrometheusTextTests {
    /// The text-format example from the Prometheus documentation ("Exposition formats").
    static let documentationExample = #"""
        # HELP http_requests_total The total number of HTTP requests.
        # TYPE http_requests_total counter
        http_requests_total{method="post",code="200"} 1027 1395066363000
        http_requests_total{method="post",code="400"}    3 1395066363000

        # Escaping in label values:
        msdos_file_access_time_seconds{path="C:\\DIR\\FILE.TXT",error="Cannot find file:\n\"FILE.TXT\""} 1.458255915e9

        # Minimalistic line:
        metric_without_timestamp_and_labels 12.47

        # A weird metric from before the epoch:
        something_weird{problem="division by zero"} +Inf -3982045

        # A histogram, which has a pretty complex representation in the text format:
        # HELP http_request_duration_seconds A histogram of the request duration.
        # TYPE http_request_duration_seconds histogram
        http_request_duration_seconds_bucket{le="0.05"} 24054
        http_request_duration_seconds_bucket{le="0.1"} 33444
        http_request_duration_seconds_bucket{le="0.2"} 100392
        http_request_duration_seconds_bucket{le="0.5"} 129389
        http_request_duration_seconds_bucket{le="1"} 133988
        http_request_duration_seconds_bucket{le="+Inf"} 144320
        http_request_duration_seconds_sum 53423
        http_request_duration_seconds_count 144320

        # Finally a summary, which has a complex representation, too:
        # HELP rpc_duration_seconds A summary of the RPC duration in seconds.
        # TYPE rpc_duration_seconds summary
        rpc_duration_seconds{quantile="0.01"} 3102
        rpc_duration_seconds{quantile="0.05"} 3272
        rpc_duration_seconds{quantile="0.5"} 4773
        rpc_duration_seconds{quantile="0.9"} 9001
        rpc_duration_seconds{quantile="0.99"} 76656
        rpc_duration_seconds_sum 1.7560473e+07
        rpc_duration_seconds_count 2693
        """#

    /// An excerpt of a Go client's default collectors (NaN quantiles, help with escapes).
    static let goCollector = #"""
        # HELP go_gc_duration_seconds A summary of the pause duration of garbage collection cycles.
        # TYPE go_gc_duration_seconds summary
        go_gc_duration_seconds{quantile="0"} 2.9488e-05
        go_gc_duration_seconds{quantile="0.5"} NaN
        go_gc_duration_seconds{quantile="1"} 0.000211329
        go_gc_duration_seconds_sum 0.003402785
        go_gc_duration_seconds_count 37
        # HELP go_info Information about the Go environment.
        # TYPE go_info gauge
        go_info{version="go1.21.5"} 1
        # HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.
        # TYPE process_cpu_seconds_total counter
        process_cpu_seconds_total 12.47
        # HELP process_resident_memory_bytes Resident memory size in bytes.\nSecond line with a \\ backslash.
        # TYPE process_resident_memory_bytes gauge
        process_resident_memory_bytes 2.4576e+07
        node_cpu_seconds_total{cpu="0",mode="idle",} 8.21e+04
        node_cpu_seconds_total{cpu="1",mode="idle"} 8.02e+04
        """#

    @Test func parsesTheDocumentationExample() throws {
        let scrape = try PrometheusScrape.parse(Self.documentationExample, strict: true)
        #expect(scrape.skipped.isEmpty)
        #expect(scrape.samples.count == 20)
        #expect(scrape.types["http_requests_total"] == .counter)
        #expect(scrape.types["rpc_duration_seconds"] == .summary)
        #expect(scrape.help["http_requests_total"] == "The total number of HTTP requests.")

        let post200 = scrape.samples(named: "http_requests_total", matching: ["code": "200"])
        #expect(post200.count == 1 && post200[0].value == 1027 && post200[0].timestamp == 1_395_066_363_000)
        #expect(scrape.samples(named: "http_requests_total", matching: ["code": "400"]).first?.value == 3)

        let msdos = try #require(scrape.samples(named: "msdos_file_access_time_seconds").first)
        #expect(msdos.labels["path"] == #"C:\DIR\FILE.TXT"#)
        #expect(msdos.labels["error"] == "Cannot find file:\n\"FILE.TXT\"")
        #expect(msdos.value == 1.458255915e9)

        let weird = try #require(scrape.samples(named: "something_weird").first)
        #expect(weird.value == .infinity && weird.timestamp == -3_982_045 && weird.labels["problem"] == "division by zero")
        #expect(scrape.samples(named: "metric_without_timestamp_and_labels").first?.value == 12.47)

        let histogram = try #require(scrape.histogram("http_request_duration_seconds").first)
        #expect(histogram.buckets.map(\.upperBound) == [0.05, 0.1, 0.2, 0.5, 1, .infinity])
        #expect(histogram.buckets.last?.cumulativeCount == 144_320 && histogram.count == 144_320 && histogram.sum == 53423)
        #expect(scrape.type(ofSample: "http_request_duration_seconds_bucket") == .histogram)

        #expect(scrape.samples(named: "rpc_duration_seconds", matching: ["quantile": "0.99"]).first?.value == 76656)
        #expect(scrape.samples(named: "rpc_duration_seconds_sum").first?.value == 1.7560473e7)
    }

    @Test func parsesCollectorOutputAndSelectsResources() throws {
        let scrape = try PrometheusScrape.parse(Self.goCollector, strict: true)
        #expect(scrape.samples(named: "go_gc_duration_seconds", matching: ["quantile": "0.5"]).first?.value.isNaN == true)
        #expect(scrape.help["process_resident_memory_bytes"] == "Resident memory size in bytes.\nSecond line with a \\ backslash.")
        #expect(scrape.samples(named: "node_cpu_seconds_total").count == 2)  // trailing comma accepted

        let reading = ResourceMetricNames().read(scrape, at: 10)
        #expect(reading.cpuSeconds == 12.47 && reading.memoryBytes == 2.4576e7 && reading.utilization == nil)
        let custom = ResourceMetricNames(
            cpuSecondsTotal: try MetricSelector(parsing: #"node_cpu_seconds_total{mode="idle"}"#),
            residentMemoryBytes: nil, utilization: MetricSelector("go_info"))
        let summed = custom.read(scrape, at: 0)
        #expect(summed.cpuSeconds == 8.21e4 + 8.02e4 && summed.utilization == 1 && summed.memoryBytes == nil)
        let later = ResourceReading(time: 12, cpuSeconds: 13.47, memoryBytes: nil, utilization: nil)
        #expect(later.cpuCores(since: reading) == 0.5)
    }

    @Test func badLinesAreSkippedWithPositionOrThrowInStrictMode() throws {
        let text = """
            good 1
            bad{label="open} 2
            also_bad 1 2 3
            # TYPE x flavour
            {no_name="x"} 1
            ok{a="b"} 2.5e-3
            """
        let scrape = try PrometheusScrape.parse(text)
        #expect(scrape.samples.map(\.name) == ["good", "ok"])
        #expect(scrape.skipped.map(\.line) == [2, 3, 4, 5])
        #expect(scrape.skipped[0].reason.contains("unterminated"))
        #expect(scrape.skipped[1].reason.contains("after the timestamp"))
        #expect(scrape.skipped[2].reason.contains("flavour"))
        #expect { try PrometheusScrape.parse(text, source: "t.prom", strict: true) } throws: { error in
            "\(error)".hasPrefix("t.prom:2:")
        }
    }
}
