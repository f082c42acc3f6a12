import Foundation
import Profiler
import Synthesis
import Testing
import Traffic

@Suite("Request content follows the profile")
struct RequestContentTests {
    static let profile = ExampleProfile.shop(medianPerStep: 30_000)
    /// One default run shared by the read-only tests (about 7,500 requests).
    static let shared: [(entry: RequestBatch.Entry, request: ParsedRequest)] = (try? requests()) ?? []

    static func requests(seed: UInt64 = 3, _ configure: (inout SynthesisOptions) -> Void = { _ in }) throws -> [(entry: RequestBatch.Entry, request: ParsedRequest)] {
        let generator = try ScheduleGenerator(profile: profile, options: options(seed: seed, duration: 10, configure))
        return collect(generator).map { ($0.entry, ParsedRequest($0.bytes)!) }
    }

    @Test("every request is well-formed HTTP/1.1 with Host, User-Agent and a correct Content-Length")
    func wellFormed() throws {
        let all = try Self.requests { $0.host = "shop.test:8080" }
        #expect(all.count > 5000)
        for (_, request) in all.prefix(3000) {
            #expect(request.header("Host") == "shop.test:8080")
            #expect(request.header("User-Agent") != nil)
            if request.method == "POST" {
                #expect(request.header("Content-Length") == String(request.body.count))
                #expect(request.header("Content-Type") == "application/json")
                if request.body.count >= 10 {
                    #expect((try? JSONSerialization.jsonObject(with: Data(request.body))) != nil)
                }
            } else {
                #expect(request.body.isEmpty)
                #expect(request.header("Content-Length") == nil)
            }
        }
    }

    @Test("route mix matches the profile's shares (chi-square, p = 0.001)")
    func routeMix() throws {
        let all = Self.shared
        let names = ["/products/{id}", "/search", "/cart", "/checkout", "/users/{uuid}/orders/{date}", "{other}"]
        var counts = [Int](repeating: 0, count: names.count)
        for (entry, _) in all { counts[Int(entry.route)] += 1 }
        let expected = [0.5, 0.2, 0.15, 0.05, 0.05, 0.05]
        #expect(chiSquare(observed: counts, expected: expected) < chiSquareCritical(df: 5))
    }

    @Test("user agents and geo match the profile (chi-square, p = 0.001)")
    func agentsAndGeo() throws {
        let all = Self.shared
        let agents = ["Mozilla/5.0 (X11; Linux x86_64) Firefox/126.0", "Googlebot/2.1 (+http://www.google.com/bot.html)", "Mozilla/5.0 (compatible; shadowcast-synthetic/1.0)"]
        var agentCounts = [0, 0, 0]
        var geoCounts = [0, 0, 0]
        for (_, request) in all {
            let agent = try #require(request.header("User-Agent"))
            agentCounts[try #require(agents.firstIndex(of: agent))] += 1
            switch request.header("X-Geo-Country") {
            case "US": geoCounts[0] += 1
            case "DE": geoCounts[1] += 1
            case nil: geoCounts[2] += 1
            default: Issue.record("unexpected country")
            }
        }
        #expect(chiSquare(observed: agentCounts, expected: [0.5, 0.3, 0.2]) < chiSquareCritical(df: 2))
        #expect(chiSquare(observed: geoCounts, expected: [0.5, 0.3, 0.2]) < chiSquareCritical(df: 2))
    }

    @Test("overrides: UA and geo distributions, geo header name, payload scale")
    func overrides() throws {
        let all = try Self.requests {
            $0.userAgents = [WeightedValue(value: "k6/0.50", weight: 1, count: 0)]
            $0.geo = [WeightedValue(value: "FR", weight: 1, count: 0)]
            $0.geoHeader = "CF-IPCountry"
            $0.payloadScale = 2
        }
        var bodies: [Double] = []
        for (entry, request) in all {
            #expect(request.header("User-Agent") == "k6/0.50")
            #expect(request.header("CF-IPCountry") == "FR")
            if entry.route == 3 { bodies.append(Double(request.body.count)) }
        }
        // /checkout bodies: quantiles (0: 300, 0.5: 800, 1: 4000) doubled.
        #expect(ksDistance(bodies) { x in
            let v = x / 2
            if v <= 300 { return 0 }
            if v <= 800 { return 0.5 * (v - 300) / 500 }
            if v <= 4000 { return 0.5 + 0.5 * (v - 800) / 3200 }
            return 1
        } < 1.63 / Double(bodies.count).squareRoot())
    }

    @Test("body sizes follow the route's size quantiles (Kolmogorov–Smirnov, p = 0.01)")
    func bodySizes() throws {
        let all = Self.shared
        let sizes = all.filter { $0.entry.route == 2 && $0.request.method == "POST" }.map { Double($0.request.body.count) }
        #expect(sizes.count > 500)
        let d = ksDistance(sizes) { v in
            if v <= 100 { return 0 }
            if v <= 400 { return 0.5 * (v - 100) / 300 }
            if v <= 2000 { return 0.5 + 0.5 * (v - 400) / 1600 }
            return 1
        }
        #expect(d < 1.63 / Double(sizes.count).squareRoot())
    }

    @Test("parameters: top values by weight, invented tail values of the parameter's kind")
    func parameterValues() throws {
        let all = Self.shared
        var top = 0, invented = 0, topCounts = [String: Int]()
        var uuids = 0
        for (entry, request) in all {
            let segments = request.path.split(separator: "/")
            if entry.route == 0 {
                let id = String(segments[1])
                #expect(Int(id) != nil)
                if ["1001", "1002", "1003"].contains(id) { top += 1; topCounts[id, default: 0] += 1 } else {
                    invented += 1
                    #expect((3...6).contains(id.count))
                }
            } else if entry.route == 4 {
                #expect(segments[1].count == 36)
                #expect(segments[1].filter { $0 == "-" }.count == 4)
                #expect(segments[3].count == 10)
                uuids += 1
            }
        }
        let share = Double(top) / Double(top + invented)
        #expect(abs(share - 0.6) < 0.03)
        #expect(chiSquare(observed: [topCounts["1001"]!, topCounts["1002"]!, topCounts["1003"]!], expected: [0.5, 1.0 / 3, 1.0 / 6]) < chiSquareCritical(df: 2))
        #expect(uuids > 100)
    }

    @Test("credential query keys carry a synthetic value; other keys by frequency")
    func queryKeys() throws {
        let all = Self.shared
        var withRef = 0, withKey = 0, total = 0
        for (entry, request) in all where entry.route == 0 {
            total += 1
            for (key, value) in request.query {
                if key == "ref" { withRef += 1; #expect(["home", "search"].contains(value)) }
                if key == "api_key" { withKey += 1; #expect(value.hasPrefix("synthetic-")); #expect(value.count == 26) }
            }
        }
        #expect(abs(Double(withRef) / Double(total) - 0.3) < 0.03)
        #expect(abs(Double(withKey) / Double(total) - 0.1) < 0.02)
    }

    @Test("route share overrides set the share and rescale the rest")
    func routeShareOverride() throws {
        let all = try Self.requests { $0.routeShares = ["/checkout": 0.5] }
        let checkout = all.filter { $0.entry.route == 3 }.count
        #expect(abs(Double(checkout) / Double(all.count) - 0.5) < 0.02)
        let products = all.filter { $0.entry.route == 0 }.count
        #expect(abs(Double(products) / Double(all.count) - 0.5 * 0.5 / 0.95) < 0.02)
    }

    @Test("body templates replace the JSON filler")
    func bodyTemplates() throws {
        let body = Array(#"{"sku":"A-1","qty":2}"#.utf8)
        let all = try Self.requests { $0.bodyTemplates = ["/checkout": .init(contentType: "application/vnd.shop+json", bytes: body)] }
        let checkout = all.filter { $0.entry.route == 3 }
        #expect(!checkout.isEmpty)
        for (_, request) in checkout {
            #expect(request.body == body)
            #expect(request.header("Content-Type") == "application/vnd.shop+json")
        }
    }
}
