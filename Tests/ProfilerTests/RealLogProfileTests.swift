import Foundation
import Testing
import TestSupport
@testable import Profiler
import Traffic

/// Profile of the real 10,000-line Combined log. Expected values were computed independently
/// (Python regex parser, grep/awk over the file): e.g. 1,022 paths `/blog/tags/X` of which
/// `/blog/tags/2010` is an `{id}` → 1,021; 742 `/blog/geekery/X` of which 25 are `N.html` → 717.
@Suite("Profile of the real Apache log", .enabled(if: SampleData.isPresent))
struct RealLogProfileTests {
    static func build(step: Double = 60) throws -> RequestProfile {
        var configuration = ProfilerConfiguration()
        configuration.stepSeconds = step
        configuration.redactor = Redactor(clientPolicy: .hash(salt: (7, 11)))
        var builder = ProfileBuilder(configuration: configuration)
        try builder.ingest(try LogSource(path: SampleData.apacheLogs!.path), format: .combined)
        return builder.profile()
    }

    /// Built once for the tests that use the default step (the log takes ~1 s in a debug build).
    static let shared: RequestProfile? = try? build()

    @Test("totals, methods, status classes and provenance")
    func totals() throws {
        let p = try #require(Self.shared)
        #expect(p.totals.requests == 9_999)
        #expect(p.totals.distinctPaths == 1_368)
        #expect(p.totals.distinctUserAgents == 558)
        #expect(p.totals.distinctClients == 1_753)
        #expect(Dictionary(uniqueKeysWithValues: p.methods.map { ($0.value, $0.count) }) == ["GET": 9_951, "HEAD": 42, "POST": 5, "OPTIONS": 1])
        #expect(Dictionary(uniqueKeysWithValues: p.statusClasses.map { ($0.value, $0.count) }) == ["2xx": 9_170, "3xx": 609, "4xx": 217, "5xx": 3])
        #expect(p.provenance.totalLines == 10_000 && p.provenance.skippedLines == 1)
        #expect(p.provenance.sources.first?.firstSkipped.first?.line == 8_899)
        #expect(p.provenance.start == "2015-05-17T10:05:00Z" && p.provenance.end == "2015-05-20T21:05:59Z")
        #expect(p.provenance.lateRecords == 0)  // max lateness in the file is 59 s < 300 s window
    }

    @Test("top routes are templates with the independently counted totals")
    func topRoutes() throws {
        let p = try #require(Self.shared)
        let top = p.routes.prefix(4).map { "\($0.route)=\($0.count)" }
        #expect(top == ["/blog/tags/{param}=1021", "/favicon.ico=807", "/blog/geekery/{param}=717", "/=575"])
        let banner = try #require(p.routes.first { $0.route == "/images/web/{id}/banner.png" })
        #expect(banner.count == 516)
        #expect(banner.contentType == "image/png")
        let tags = try #require(p.routes.first)
        let flav = try #require(tags.queryKeys.first { $0.key == "flav" })
        #expect(abs(flav.frequency - 546.0 / 1021.0) < 1e-12)
        #expect(tags.parameters.first?.kind == "text")
        #expect(tags.parameters.first?.values.top.first?.value == "puppet")
        #expect(tags.parameters.first?.values.top.first?.count == 489)
        let favicon = p.routes[1]
        #expect(favicon.methods.first?.value == "GET")
        #expect(p.routes.count == 50)
        #expect(abs(p.routes.reduce(0) { $0 + $1.share } + (p.other?.share ?? 0) - 1) < 1e-9)
    }

    @Test("history: totals per step add up, routes + other = total, aligned to the step")
    func history() throws {
        let p = try Self.build(step: 3600)
        let h = p.history
        #expect(h.total.reduce(0, +) == 9_999)
        #expect(h.start == "2015-05-17T10:00:00Z")
        #expect(h.total.count == 84)  // 10:00 on the 17th … 21:00 on the 20th
        for i in h.total.indices {
            #expect(h.routes.reduce(0) { $0 + $1.counts[i] } + h.other[i] == h.total[i])
        }
        #expect(h.routes.first { $0.route == "/favicon.ico" }?.counts.reduce(0, +) == 807)
        #expect(!h.approximate)
        #expect(p.sessions.startsPerStep.reduce(0, +) == p.sessions.sessions)
    }

    @Test("session model: probabilities sum to 1, think times within the gap")
    func sessions() throws {
        let p = try #require(Self.shared)
        let s = p.sessions
        #expect(s.sessions > 0)
        #expect(abs(s.entry.reduce(0) { $0 + $1.weight } - 1) < 1e-9)
        for row in s.transitions {
            #expect(abs(row.next.reduce(0) { $0 + $1.weight } + row.exit - 1) < 1e-9)
        }
        let think = try #require(s.thinkTimeSeconds)
        #expect(think.min >= 0 && think.max <= s.inactivityGapSeconds)
        #expect(s.requestsPerSession?.count == s.sessions)
        #expect(Int(s.requestsPerSession!.mean * Double(s.sessions) + 0.5) == 9_999)
    }

    @Test("user agents: families and the top agent by an independent count")
    func agents() throws {
        let p = try #require(Self.shared)
        #expect(p.userAgents.top.first?.agent == "Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/32.0.1700.107 Safari/537.36")
        #expect(p.userAgents.top.first?.count == 1_044)
        #expect(abs(p.userAgents.families.reduce(0) { $0 + $1.weight } - 1) < 1e-9)
        #expect(p.userAgents.families.contains { $0.value == "bot" && $0.count > 1_000 })
    }

    @Test("the profile round-trips through JSON and contains no client address")
    func roundTrip() throws {
        let p = try #require(Self.shared)
        let data = try p.encoded()
        #expect(try RequestProfile.decode(from: data) == p)
        let json = String(decoding: data, as: UTF8.self)
        for address in ["83.149.9.216", "46.118.127.106", "157.55.33.15"] { #expect(!json.contains(address)) }
    }
}
