import Foundation
import Testing
@testable import Profiler
import Traffic

@Suite("ProfileBuilder")
struct ProfileBuilderTests {
    static func record(_ t: Double, _ path: String, client: String = "c1", status: Int = 200, bytes: Int = 100) -> RequestRecord {
        RequestRecord(time: t, method: "GET", path: path, status: status, responseBytes: bytes, userAgent: "Mozilla/5.0 (X11) Firefox/1", client: client)
    }

    @Test("live records: routes, sessions, transitions and think times")
    func liveRecords() {
        var configuration = ProfilerConfiguration()
        configuration.stepSeconds = 10
        configuration.inactivityGapSeconds = 100
        var builder = ProfileBuilder(configuration: configuration)
        // Session A: / → /users/1 → /users/2 (think 5 s, 7 s); 1000 s later a new session: /
        for r in [Self.record(1000, "/"), Self.record(1005, "/users/1"), Self.record(1012, "/users/2"), Self.record(2012, "/")] { builder.add(r) }
        let p = builder.profile()
        #expect(p.totals.requests == 4)
        #expect(p.routes.map(\.route) == ["/", "/users/{id}"])
        #expect(p.sessions.sessions == 2)
        #expect(p.sessions.entry == [WeightedValue(value: "/", weight: 1, count: 2)])
        let root = p.sessions.transitions.first { $0.from == "/" }
        #expect(root?.next.first?.value == "/users/{id}")
        #expect(root?.exit == 0.5)
        let think = p.sessions.thinkTimeSeconds
        #expect(think?.min == 5 && think?.max == 7)
        #expect(p.history.stepSeconds == 10 && p.history.total.reduce(0, +) == 4)
        #expect(p.provenance.sources.first?.name == "live")
        let users = p.routes[1].parameters.first
        #expect(users?.values.top.map(\.value).sorted() == ["1", "2"])
    }

    @Test("out-of-order records inside the window are put in order; later ones are kept and counted late")
    func reorder() {
        var configuration = ProfilerConfiguration()
        configuration.reorderWindowSeconds = 30
        configuration.inactivityGapSeconds = 1000
        var builder = ProfileBuilder(configuration: configuration)
        for t in [100.0, 120, 110, 105, 200, 300, 150] { builder.add(Self.record(t, "/a")) }
        let p = builder.profile()
        #expect(p.totals.requests == 7)
        #expect(p.provenance.lateRecords == 1)  // 150 arrived after 300 − 30 had been released
        #expect(p.sessions.thinkTimeSeconds?.min ?? -1 >= 0)
        #expect(p.history.total.reduce(0, +) == 7)
    }

    @Test("snapshots do not disturb the builder; later records still count")
    func snapshots() {
        var builder = ProfileBuilder()
        builder.add(Self.record(0, "/x"))
        #expect(builder.profile().totals.requests == 1)
        builder.add(Self.record(1, "/x"))
        #expect(builder.profile().totals.requests == 2)
        #expect(builder.profile().history.total.reduce(0, +) == 2)
    }

    @Test("a tiny series budget keeps totals exact and marks per-route series approximate")
    func seriesBudget() {
        var configuration = ProfilerConfiguration()
        configuration.seriesCellBudget = 20
        configuration.topRoutes = 2
        configuration.stepSeconds = 1
        var builder = ProfileBuilder(configuration: configuration)
        for i in 0..<200 { builder.add(Self.record(Double(i), "/r\(i % 12)")) }
        let p = builder.profile()
        #expect(p.history.total.reduce(0, +) == 200)
        #expect(p.history.approximate)
    }

    @Test("series busier than the budget are trimmed a bounded number of times, not at every new step")
    func seriesTrimsStayBounded() {
        var configuration = ProfilerConfiguration()
        configuration.seriesCellBudget = 40
        configuration.topRoutes = 2
        configuration.stepSeconds = 1
        var builder = ProfileBuilder(configuration: configuration)
        // Two routes with a request in every one of 2,000 steps: 4,000 cells against a budget
        // of 40. The busiest shapes alone fill the budget, so keeping them all would trim again
        // at every step (≈ 2,000 times).
        for i in 0..<2_000 {
            builder.add(Self.record(Double(i), "/a"))
            if i % 2 == 0 { builder.add(Self.record(Double(i) + 0.5, "/b")) }
        }
        let p = builder.profile()
        #expect(builder.seriesTrims >= 1)
        #expect(builder.seriesTrims <= 10, "trims: \(builder.seriesTrims)")
        #expect(builder.seriesCells <= 40)
        #expect(p.history.total.reduce(0, +) == 3_000)
        #expect(p.totals.requests == 3_000)
        let approximate = p.history.approximate
        #expect(approximate)
    }

    @Test("a history longer than maxHistorySteps is written with a whole-multiple wider step, still aligned")
    func historyWidening() {
        var configuration = ProfilerConfiguration()
        configuration.stepSeconds = 1
        configuration.maxHistorySteps = 10
        var builder = ProfileBuilder(configuration: configuration)
        for i in 0..<100 { builder.add(Self.record(1_000 + Double(i), i % 2 == 0 ? "/a" : "/b")) }
        let p = builder.profile()
        #expect(p.stepSeconds == 10 && p.history.stepSeconds == 10)
        #expect(p.history.total == Array(repeating: 10, count: 10))
        #expect(p.history.startEpochSeconds == 1_000)
        #expect(p.history.routes.map { $0.counts.reduce(0, +) } == [50, 50])
        #expect(p.sessions.startsPerStep.count == 10)
    }

    @Test("shape table overflow folds new routes into {other} instead of growing")
    func shapeCap() {
        var configuration = ProfilerConfiguration()
        configuration.maxShapes = 5
        var builder = ProfileBuilder(configuration: configuration)
        for i in 0..<50 { builder.add(Self.record(Double(i), "/page\(i)")) }
        let p = builder.profile()
        #expect(p.totals.requests == 50)
        #expect(p.routes.count == 4)
        #expect(p.other?.count == 46)
    }

    @Test("geo from a prefix table, longest prefix wins; bad tables are refused with the line")
    func geo() throws {
        let table = try GeoPrefixTable(csv: "prefix,country\n10.0.0.0/8,us\n10.1.0.0/16,DE\n# comment\n192.168.1.7,FR\n")
        var configuration = ProfilerConfiguration()
        configuration.geoTable = table
        var builder = ProfileBuilder(configuration: configuration)
        for client in ["10.2.3.4", "10.1.9.9", "10.1.0.1", "192.168.1.7", "8.8.8.8"] { builder.add(Self.record(0, "/", client: client)) }
        let p = builder.profile()
        #expect(p.geo.source == "prefix-table")
        #expect(Dictionary(uniqueKeysWithValues: p.geo.countries.map { ($0.value, $0.count) }) == ["US": 1, "DE": 2, "FR": 1])
        #expect(p.geo.unknownWeight == 0.2)
        #expect(throws: GeoPrefixTable.TableError.self) { try GeoPrefixTable(csv: "10.0.0.0/33,US", name: "t.csv") }
        do { _ = try GeoPrefixTable(csv: "1.2.3.4,USA", name: "t.csv") } catch { #expect("\(error)".hasPrefix("t.csv:1:")) }
    }

    @Test("user-agent families", arguments: [
        ("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "bot"),
        ("curl/8.4.0", "cli"), ("Wget/1.21", "cli"), ("python-requests/2.31.0", "library"), ("Go-http-client/1.1", "library"),
        ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148", "mobile"),
        ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36", "browser"),
        ("-", "unknown"),
    ])
    func families(agent: String, family: String) {
        #expect(UserAgentClassifier.family(of: agent) == family)
    }
}
