import Foundation
import Profiler
import Synthesis
import Testing
import Traffic

@Suite("What-if scenarios")
struct ScenarioTests {
    /// A flat 1,000 requests per second profile.
    static let profile = ExampleProfile.shop(forecastSteps: 1, medianPerStep: 60_000)

    static func generator(_ events: [ScenarioEvent], duration: Double = 8) throws -> ScheduleGenerator {
        try ScheduleGenerator(profile: profile, options: options(duration: duration) { $0.scenario = Scenario(name: "t", events: events) })
    }

    static func requests(_ generator: ScheduleGenerator) -> [(entry: RequestBatch.Entry, bytes: [UInt8])] { collect(generator) }

    static func inWindow(_ entry: RequestBatch.Entry, _ from: Double, _ to: Double) -> Bool {
        let t = Double(entry.sendAtNanos) / 1e9
        return t >= from && t < to
    }

    @Test("a rate multiplier changes the rate exactly inside the event, with the ramp in 1 s steps")
    func rateMultiplier() throws {
        let g = try Self.generator([ScenarioEvent(start: 2, duration: 4, ramp: 2, rate: .multiplier(3))])
        let rates = g.plan.segments.map { ($0.start, $0.end, $0.rate) }
        #expect(rates.count == 5)
        #expect(rates[0] == (0, 2, 1000))
        #expect(rates[1] == (2, 3, 1500))  // ramp midpoint f = 0.25 → 1 + 2·0.25
        #expect(rates[2] == (3, 4, 2500))  // f = 0.75
        #expect(rates[3] == (4, 6, 3000))
        #expect(g.plan.segments.last!.rate == 1000)
        let all = Self.requests(g)
        let hold = all.filter { Self.inWindow($0.entry, 4, 6) }.count
        #expect(abs(Double(hold) - 6000) < 5 * 6000.0.squareRoot())
        let before = all.filter { Self.inWindow($0.entry, 0, 2) }.count
        #expect(abs(Double(before) - 2000) < 5 * 2000.0.squareRoot())
    }

    @Test("an absolute rate replaces the rate inside the event")
    func absoluteRate() throws {
        let g = try Self.generator([ScenarioEvent(start: 1, duration: 2, rate: .absolute(200))], duration: 4)
        #expect(g.plan.segments.map(\.rate) == [1000, 200, 1000])
        let during = Self.requests(g).filter { Self.inWindow($0.entry, 1, 3) }.count
        #expect(abs(Double(during) - 400) < 5 * 20)
    }

    @Test("a mix shift sets the route's share and rescales the others")
    func mixShift() throws {
        let g = try Self.generator([ScenarioEvent(start: 2, duration: 4, mix: [.init(route: "/checkout", share: 0.4)])])
        let mix = g.plan.mixes[g.plan.segments[1].mix]
        #expect(abs(mix[3] - 0.4) < 1e-12)
        #expect(abs(mix[0] - 0.5 * 0.6 / 0.95) < 1e-12)
        let all = Self.requests(g)
        let window = all.filter { Self.inWindow($0.entry, 2, 6) }
        let outside = all.filter { !Self.inWindow($0.entry, 2, 6) }
        let inside = Double(window.filter { $0.entry.route == 3 }.count) / Double(window.count)
        let before = Double(outside.filter { $0.entry.route == 3 }.count) / Double(outside.count)
        #expect(abs(inside - 0.4) < 0.025)
        #expect(abs(before - 0.05) < 0.015)
    }

    @Test("a hot key takes its share of the route's requests")
    func hotKey() throws {
        let g = try Self.generator([ScenarioEvent(start: 2, duration: 4, hotKey: .init(route: "/products/{id}", parameter: "id", value: "777", share: 0.5))])
        let all = Self.requests(g).filter { $0.entry.route == 0 }
        func hotShare(_ list: [(entry: RequestBatch.Entry, bytes: [UInt8])]) -> Double {
            let hot = list.filter { ParsedRequest($0.bytes)!.path == "/products/777" }.count
            return Double(hot) / Double(list.count)
        }
        #expect(abs(hotShare(all.filter { Self.inWindow($0.entry, 2, 6) }) - 0.5) < 0.03)
        #expect(hotShare(all.filter { !Self.inWindow($0.entry, 2, 6) }) < 0.01)
    }

    @Test("a new-route surge adds a route with its share, only during the event")
    func surge() throws {
        let g = try Self.generator([ScenarioEvent(start: 2, duration: 4, surge: .init(route: "/flash/{id}", method: "POST", share: 0.2, bodyBytes: 50))])
        #expect(g.routeNames[6] == "/flash/{id}")
        let all = Self.requests(g)
        let window = all.filter { Self.inWindow($0.entry, 2, 6) }
        let surged = window.filter { $0.entry.route == 6 }
        #expect(abs(Double(surged.count) / Double(window.count) - 0.2) < 0.02)
        #expect(all.filter { !Self.inWindow($0.entry, 2, 6) && $0.entry.route == 6 }.isEmpty)
        let request = try #require(ParsedRequest(surged[0].bytes))
        #expect(request.method == "POST")
        #expect(request.path.hasPrefix("/flash/"))
        #expect(request.body.count == 50)
    }

    @Test("built-in scenarios parse, print as YAML that parses back to the same scenario, and resolve against a profile", arguments: BuiltinScenarios.names)
    func builtins(name: String) throws {
        let scenario = try #require(try BuiltinScenarios.scenario(named: name))
        #expect(scenario.name == name)
        #expect(!scenario.events.isEmpty)
        #expect(try Scenario.parse(yaml: scenario.yaml(), file: "roundtrip") == scenario)
        let resolved = try scenario.resolved(against: Self.profile)
        for event in resolved.events {
            for shift in event.mix { #expect(!shift.route.hasPrefix("@")) }
            if let hot = event.hotKey { #expect(hot.route == "/products/{id}"); #expect(hot.parameter == "id"); #expect(hot.value == "1001") }
        }
        // And they run.
        let g = try ScheduleGenerator(profile: Self.profile, options: options(duration: 2) { $0.scenario = scenario; $0.rate = .absolute(500) })
        #expect(g.plan.expectedRequests > 0)
    }

    @Test("invalid scenario files name the line, column and field")
    func invalidFiles() throws {
        let cases: [(String, Int, String)] = [
            ("name: x\nevents:\n  - start: 10s\n    duration: soon\n", 4, "events[0].duration"),
            ("name: x\nevents:\n  - start: 10s\n    duration: 1m\n    rate: {multiplier: 2, absolute: 3}\n", 5, "events[0].rate"),
            ("name: x\nevents:\n  - start: 1s\n    duration: 1m\n    colour: red\n", 5, "events[0].colour"),
            ("name: x\nevents:\n  - start: 1s\n    duration: 1m\n    mix:\n      - {route: /a, share: 1.5}\n", 6, "events[0].mix[0].share"),
            ("name: x\nevents: [\n", 3, "(syntax)"),
        ]
        for (text, line, field) in cases {
            do {
                _ = try Scenario.parse(yaml: text, file: "bad.yaml")
                Issue.record("accepted: \(text)")
            } catch let SynthesisError.invalidDocument(file, l, column, f, detail) {
                #expect(file == "bad.yaml")
                #expect(l == line, "\(detail)")
                #expect(column != nil)
                #expect(f == field, "\(detail)")
            }
        }
    }

    @Test("a scenario naming a route the profile lacks is refused")
    func unknownRoute() throws {
        #expect(throws: SynthesisError.self) {
            try Self.generator([ScenarioEvent(start: 0, duration: 1, mix: [.init(route: "/nope", share: 0.5)])])
        }
        #expect(throws: SynthesisError.self) {
            try Self.generator([ScenarioEvent(start: 0, duration: 1, hotKey: .init(route: "/search", parameter: "id", value: "1", share: 0.5))])
        }
    }
}
