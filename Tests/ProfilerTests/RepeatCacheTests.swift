import Foundation
import Testing
@testable import Profiler
import Traffic

/// The builder remembers the previous request's user agent (by bytes) and client key, so
/// consecutive repeats skip the agent table and the client set. These tests check that the
/// counts stay exactly what an independent count over the same records gives, including when
/// the agent table or the client set is full.
@Suite("Profiler repeat caches")
struct RepeatCacheTests {
    static let agents = [
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/32.0.1700.77 Safari/537.36",
        "curl/8.0.1",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/32.0.1700.77 Safari/537.37",
    ]

    /// Runs of repeated agents and clients, interleaved: (agent index, client index).
    static let pattern: [(Int, Int)] = [
        (0, 0), (0, 0), (0, 0), (1, 0), (1, 1), (0, 1), (2, 2), (2, 2), (3, 2), (0, 3),
        (2, 3), (1, 4), (1, 4), (3, 4), (3, 0), (0, 0), (2, 1), (2, 1), (0, 4), (1, 3),
    ]

    static func profile(maxAgents: Int, maxClients: Int) -> RequestProfile {
        var configuration = ProfilerConfiguration()
        configuration.maxAgents = maxAgents
        configuration.maxClients = maxClients
        var builder = ProfileBuilder(configuration: configuration)
        for (i, (agent, client)) in pattern.enumerated() {
            builder.add(RequestRecord(time: 1000 + Double(i), method: "GET", path: "/p\(i % 3)", status: 200, responseBytes: 10,
                                      userAgent: agents[agent], client: "10.0.0.\(client)"))
        }
        return builder.profile()
    }

    @Test("agent counts and families match an independent count, with a full agent table too", arguments: [50, 2])
    func agentCounts(maxAgents: Int) {
        let p = Self.profile(maxAgents: maxAgents, maxClients: 100)
        // Reference: agents kept are the first `maxAgents` distinct ones in arrival order.
        var firstSeen: [Int] = []
        for (agent, _) in Self.pattern where !firstSeen.contains(agent) { firstSeen.append(agent) }
        let kept = Set(firstSeen.prefix(maxAgents))
        var expectedTop: [String: Int] = [:]
        var expectedFamilies: [String: Int] = [:]
        for (agent, _) in Self.pattern {
            if kept.contains(agent) { expectedTop[Self.agents[agent], default: 0] += 1 }
            expectedFamilies[UserAgentClassifier.family(of: Self.agents[agent]), default: 0] += 1
        }
        #expect(Dictionary(uniqueKeysWithValues: p.userAgents.top.map { ($0.agent, $0.count) }) == expectedTop)
        #expect(Dictionary(uniqueKeysWithValues: p.userAgents.families.map { ($0.value, $0.count) }) == expectedFamilies)
        #expect(p.totals.distinctUserAgents == min(maxAgents, 4))
    }

    @Test("distinct clients match an independent count, with a full client set too", arguments: [100, 3])
    func clientCounts(maxClients: Int) {
        let p = Self.profile(maxAgents: 50, maxClients: maxClients)
        let distinct = Set(Self.pattern.map(\.1)).count
        #expect(p.totals.distinctClients == min(distinct, maxClients))
    }

    @Test("method counts match an independent count when consecutive methods repeat, change, or are too long to pack")
    func methodCounts() {
        // PROPFIND (8 bytes) and MKCALENDAR take the uncached path; GE/GET/GETS differ only in length.
        let methods = ["GET", "GET", "POST", "GET", "PROPFIND", "PROPFIND", "GE", "GET", "GETS", "GETS", "MKCALENDAR",
                       "HEAD", "GET", "OPTIONS", "OPTIONS", "GET", "DELETE", "GE", "POST", "POST"]
        var builder = ProfileBuilder()
        for (i, method) in methods.enumerated() {
            builder.add(RequestRecord(time: 1000 + Double(i), method: method, path: "/m\(i % 2)", status: 200, responseBytes: 10,
                                      userAgent: "curl/8.0.1", client: "10.0.0.1"))
        }
        let p = builder.profile()
        var expected: [String: Int] = [:]
        for method in methods { expected[method, default: 0] += 1 }
        #expect(Dictionary(uniqueKeysWithValues: p.methods.map { ($0.value, $0.count) }) == expected)
        var perRoute: [String: Int] = [:]
        for route in p.routes { for method in route.methods { perRoute[method.value, default: 0] += method.count } }
        #expect(perRoute == expected)
    }
}
