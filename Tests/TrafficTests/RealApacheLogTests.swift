import Foundation
import Testing
import TestSupport
@testable import Traffic

/// The real 10,000-line Combined log (expected values computed independently with a Python
/// regex parser and awk over the same file; see Benchmarks/results/profiler.md).
@Suite("Real Apache log", .enabled(if: SampleData.isPresent))
struct RealApacheLogTests {
    struct Collected {
        var summary: LogReadSummary
        var statuses: [Int: Int] = [:]
        var methods: [String: Int] = [:]
        var paths: [String: Int] = [:]
        var agents = Set<String>()
        var clients = Set<String>()
        var times: [Double] = []
    }

    static func collect() throws -> Collected {
        let source = try LogSource(path: SampleData.apacheLogs!.path)
        var collected = Collected(summary: LogReadSummary(source: ""))
        collected.summary = try LogReader().read(source, format: .combined) { fields, _ in
            collected.statuses[fields.status, default: 0] += 1
            collected.methods[fields.method.string, default: 0] += 1
            collected.paths[fields.path.string, default: 0] += 1
            collected.agents.insert(fields.userAgent.string)
            collected.clients.insert(fields.client.string)
            collected.times.append(fields.time)
        }
        return collected
    }

    @Test("exact totals, statuses, methods and distinct counts")
    func totals() throws {
        let c = try Self.collect()
        #expect(c.summary.lines == 10_000)
        #expect(c.summary.parsed == 9_999)
        #expect(c.summary.skipped == 1)
        #expect(c.statuses == [200: 9_125, 206: 45, 301: 164, 304: 445, 403: 2, 404: 213, 416: 2, 500: 3])
        #expect(c.methods == ["GET": 9_951, "HEAD": 42, "POST": 5, "OPTIONS": 1])
        #expect(c.paths.count == 1_368)
        #expect(c.agents.count == 558)
        #expect(c.clients.count == 1_753)
        #expect(c.summary.bytes == 2_370_789)
    }

    @Test("the truncated line 8,899 is reported with its number and reason")
    func truncatedLine() throws {
        let c = try Self.collect()
        let skip = try #require(c.summary.firstSkipped.first)
        #expect(skip.line == 8_899)
        #expect(skip.reason == "unterminated quoted user agent")
        #expect(c.summary.reasons == ["unterminated quoted user agent": 1])
    }

    @Test("top paths and time range match the independent count")
    func topPathsAndTimes() throws {
        let c = try Self.collect()
        let top = c.paths.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(7).map { "\($0.key)=\($0.value)" }
        #expect(top == ["/favicon.ico=807", "/=575", "/style2.css=546", "/reset.css=538", "/images/jordan-80.png=533",
                        "/images/web/2009/banner.png=516", "/blog/tags/puppet=489"])
        #expect(c.times.min() == 1_431_857_100)  // 2015-05-17T10:05:00Z
        #expect(c.times.max() == 1_432_155_959)  // 2015-05-20T21:05:59Z
        let inversions = zip(c.times, c.times.dropFirst()).filter { $1 < $0 }.count
        #expect(inversions == 4_915)
    }

    @Test("strict mode makes line 8,899 an error naming file and line")
    func strict() throws {
        var configuration = LogReaderConfiguration()
        configuration.strict = true
        let source = try LogSource(path: SampleData.apacheLogs!.path)
        do {
            _ = try LogReader(configuration: configuration).read(source, format: .combined) { _, _ in }
            Issue.record("expected a strict-mode error")
        } catch let error as MalformedLineError {
            #expect(error.skip.line == 8_899)
            #expect(error.description.hasSuffix("apache_logs:8899: unterminated quoted user agent (byte offset \(error.skip.byteOffset), column \(error.skip.column + 1))"))
        }
    }

    @Test("gzip input gives the same result as the plain file")
    func gzipMatchesPlain() throws {
        let gz = NSTemporaryDirectory() + "shadowcast-apache-\(UUID().uuidString).gz"
        defer { try? FileManager.default.removeItem(atPath: gz) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "gzip -c '\(SampleData.apacheLogs!.path)' > '\(gz)'"]
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0)
        let source = try LogSource(path: gz)
        var statuses: [Int: Int] = [:]
        let summary = try LogReader().read(source, format: .combined) { fields, _ in statuses[fields.status, default: 0] += 1 }
        #expect(source.isGzip)
        #expect(summary.gzip)
        #expect(summary.parsed == 9_999)
        #expect(summary.bytes == 2_370_789)
        #expect(summary.firstSkipped.first?.line == 8_899)
        #expect(statuses[200] == 9_125)
    }
}
