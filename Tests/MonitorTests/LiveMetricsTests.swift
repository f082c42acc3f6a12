import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Lab
import Testing
@testable import Monitor

@Suite(.serialized) struct LiveMetricsTests {
    func get(_ url: String, method: String = "GET") async throws -> String {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = method
        let (data, _) = try await URLSession.shared.data(for: request)
        return String(decoding: data, as: UTF8.self)
    }

    /// Two scrapes of a running Lab's /metrics become a RunResults of what happened in between.
    @Test func summaryFromTwoScrapesOfALab() async throws {
        let lab = LabServer(spec: .default, configuration: .init(port: 0))
        let port = try await lab.start()
        let base = "http://127.0.0.1:\(port)"
        _ = try await get("\(base)/")  // before the window
        let before = try PrometheusScrape.parse(try await get("\(base)/metrics"), strict: true)
        for id in 0..<6 { _ = try await get("\(base)/products/\(id)") }
        _ = try await get("\(base)/checkout", method: "POST")
        let after = try PrometheusScrape.parse(try await get("\(base)/metrics"), strict: true)
        try await lab.stop()

        let summary = PrometheusWindow().summary(before: before, after: after, seconds: 2)
        #expect(summary.requests == 7 && summary.rps == 3.5)
        #expect(summary.routes?["product"]?.requests == 6 && summary.routes?["product"]?.buckets.totalCount == 6)
        #expect(summary.routes?["checkout"]?.requests == 1)
        #expect(summary.routes?["home"]?.requests ?? 0 == 0)
        #expect(ResourceMetricNames().read(after, at: 0).utilization != nil)
    }

    @Test func processStatsOfThisProcess() throws {
        let reading = try ProcessStats.read(pid: getpid(), at: 0)
        #expect((reading.cpuSeconds ?? 0) > 0)
        #expect((reading.memoryBytes ?? 0) > 1_000_000)
        #expect(throws: MonitorInputError.self) { try ProcessStats.read(pid: 999_999_999, at: 0) }
    }

    @Test func processStatsParsesNamesWithSpacesAndParentheses() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("proc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("42"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let stat = "42 (my (weird) app) S 1 42 42 0 -1 4194560 100 0 0 0 250 150 0 0 20 0 1 0 100 1000 10"
        try stat.write(to: root.appendingPathComponent("42/stat"), atomically: true, encoding: .utf8)
        try "Name:\tapp\nVmRSS:\t  2048 kB\n".write(to: root.appendingPathComponent("42/status"), atomically: true, encoding: .utf8)
        let reading = try ProcessStats.read(pid: 42, at: 0, root: root.path)
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        #expect(reading.cpuSeconds == 400 / ticks)
        #expect(reading.memoryBytes == Double(2048 * 1024))
    }
}
