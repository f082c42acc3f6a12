import Foundation
import Profiler
import Synthesis
import Testing
import Traffic

@Suite("Fault injection")
struct FaultTests {
    static let profile = ExampleProfile.shop(forecastSteps: 1, medianPerStep: 60_000)

    static func run(_ rules: [FaultRule], duration: Double = 1) throws -> (ScheduleGenerator, [(entry: RequestBatch.Entry, bytes: [UInt8])]) {
        let g = try ScheduleGenerator(profile: profile, options: options(duration: duration) { $0.faults = FaultPlan(rules: rules) })
        return (g, collect(g))
    }

    /// Head (up to the blank line) and what follows.
    static func split(_ bytes: [UInt8]) -> (head: String, body: [UInt8])? {
        guard let end = bytes.firstRange(of: [13, 10, 13, 10]) else { return nil }
        return (String(decoding: bytes[..<end.lowerBound], as: UTF8.self), Array(bytes[end.upperBound...]))
    }

    static func contentLength(_ head: String) -> Int? {
        head.components(separatedBy: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
            .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) }
    }

    @Test("bad header line: one header line without a colon")
    func badHeaderLine() throws {
        let (g, all) = try Self.run([FaultRule(kind: .badHeaderLine, probability: 1)])
        #expect(!all.isEmpty)
        for request in all {
            #expect(g.routeNames[Int(request.entry.route)] == "fault:bad-header-line")
            #expect(request.entry.flags == 0)
            let head = try #require(Self.split(request.bytes)).head
            let lines = head.components(separatedBy: "\r\n").dropFirst()
            #expect(lines.filter { !$0.contains(":") }.count == 1)
        }
        #expect(g.stats.faults[.badHeaderLine] == all.count)
    }

    @Test("wrong Content-Length claims more bytes than are sent")
    func wrongContentLength() throws {
        let (_, all) = try Self.run([FaultRule(kind: .wrongContentLength, probability: 1, bytes: 40)])
        for request in all {
            let (head, body) = try #require(Self.split(request.bytes))
            #expect(Self.contentLength(head) == body.count + 40)
        }
    }

    @Test("truncated body: Content-Length of the whole body, half of it sent")
    func truncatedBody() throws {
        let (_, all) = try Self.run([FaultRule(kind: .truncatedBody, probability: 1)])
        for request in all {
            let (head, body) = try #require(Self.split(request.bytes))
            let claimed = try #require(Self.contentLength(head))
            #expect(claimed > 0)
            #expect(body.count == claimed / 2)
        }
    }

    @Test("oversized headers reach the configured size")
    func oversizedHeaders() throws {
        let (_, all) = try Self.run([FaultRule(kind: .oversizedHeaders, probability: 1, bytes: 20_000)], duration: 0.2)
        for request in all {
            let head = try #require(Self.split(request.bytes)).head
            #expect(head.utf8.count > 20_000)
            #expect(head.contains("X-Shadowcast-Padding: aaaa"))
        }
    }

    @Test("socket-level faults set the emitter's flags (CEMIT_FLAG_DRIP/RESET/ABANDON) and keep the bytes clean")
    func socketFlags() throws {
        let clean = collect(try ScheduleGenerator(profile: Self.profile, options: options(duration: 1)))
        for (rule, flags) in [
            (FaultRule(kind: .slowSend, probability: 1, dripSeconds: 2), UInt32(1) | (2000 << 16)),
            (FaultRule(kind: .reset, probability: 1), 2),
            (FaultRule(kind: .abandon, probability: 1), 4),
        ] {
            let (g, all) = try Self.run([rule])
            #expect(all.count == clean.count)
            for (faulted, original) in zip(all, clean) {
                #expect(faulted.entry.flags == flags)
                #expect(faulted.bytes == original.bytes)
                #expect(faulted.entry.sendAtNanos == original.entry.sendAtNanos)
                #expect(g.routeNames[Int(faulted.entry.route)] == rule.kind.routeName)
            }
        }
    }

    @Test("probabilities and windows: faults only where written, at the written rate; clean schedule unchanged")
    func probabilityAndWindow() throws {
        let clean = collect(try ScheduleGenerator(profile: Self.profile, options: options(duration: 4)))
        let (g, all) = try Self.run([
            FaultRule(kind: .reset, probability: 1, windowStart: 1, windowDuration: 1),
            FaultRule(kind: .badHeaderLine, probability: 0.1),
        ], duration: 4)
        #expect(all.map(\.entry.sendAtNanos) == clean.map(\.entry.sendAtNanos))
        let resetRoute = UInt32(g.routeNames.firstIndex(of: "fault:reset")!)
        let badRoute = UInt32(g.routeNames.firstIndex(of: "fault:bad-header-line")!)
        var outside = 0, outsideBad = 0
        for request in all {
            let t = Double(request.entry.sendAtNanos) / 1e9
            if t >= 1 && t < 2 {
                #expect(request.entry.route == resetRoute)
            } else {
                #expect(request.entry.route != resetRoute)
                outside += 1
                if request.entry.route == badRoute { outsideBad += 1 }
            }
        }
        #expect(abs(Double(outsideBad) / Double(outside) - 0.1) < 0.02)
        #expect(g.stats.faulted == g.stats.faults[.reset]! + g.stats.faults[.badHeaderLine]!)
    }

    @Test("fault files parse; invalid ones name line, column and field")
    func faultFiles() throws {
        let plan = try FaultPlan.parse(yaml: """
            faults:
              - kind: slow-send
                window: {start: 2m, duration: 30s}
                over: 5s
              - kind: oversized-headers
                probability: 0.001
                bytes: 32768
            """, file: "f.yaml")
        #expect(plan.rules == [
            FaultRule(kind: .slowSend, probability: 1, windowStart: 120, windowDuration: 30, dripSeconds: 5),
            FaultRule(kind: .oversizedHeaders, probability: 0.001, bytes: 32768),
        ])
        do {
            _ = try FaultPlan.parse(yaml: "faults:\n  - kind: explode\n    probability: 1\n", file: "f.yaml")
            Issue.record("accepted an unknown kind")
        } catch let SynthesisError.invalidDocument(_, line, column, field, _) {
            #expect(line == 2 && column != nil && field == "faults[0].kind")
        }
        do {
            _ = try FaultPlan.parse(yaml: "faults:\n  - kind: reset\n    probability: 2\n", file: "f.yaml")
            Issue.record("accepted probability 2")
        } catch let SynthesisError.invalidDocument(_, line, _, field, _) {
            #expect(line == 3 && field == "faults[0].probability")
        }
    }
}
