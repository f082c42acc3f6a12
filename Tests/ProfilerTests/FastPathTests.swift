import Foundation
import Testing
@testable import Profiler

@Suite("Profiler fast paths")
struct FastPathTests {
    @Test("the fast history writer produces exactly JSONEncoder's bytes", arguments: [0, 1, 3])
    func historyBytesMatchFoundation(routeCount: Int) throws {
        var profile = ProfileSchemaTests.sample()
        let steps = 257
        let routes = (0..<routeCount).map { r in HistorySeries.RouteSeries(route: "/r\(r)/{id}", counts: (0..<steps).map { ($0 * 7919 + r) % 1_000_003 }) }
        profile.history = HistorySeries(
            start: "2015-05-17T10:05:00Z", startEpochSeconds: 1_431_857_100, stepSeconds: 60,
            total: (0..<steps).map { $0 * 1_000_000_007 }, routes: routes, other: routeCount == 1 ? [] : (0..<steps).map { -$0 }, approximate: routeCount == 3)
        let fast = try profile.encoded()
        let reference = try profile.encodedWithFoundation()
        #expect(fast == reference)
        #expect(try RequestProfile.decode(from: fast) == profile)
    }

    @Test("the history writer formats extreme values like JSONEncoder and within its size bound")
    func historyWriterExtremes() throws {
        let values = [0, 1, -1, 9, 10, 99, 100, Int.max, Int.min, Int.min + 1, 1_000_000_007, -42]
        for indent in [0, 6, 40] {
            for array in [[], values, Array(values.reversed())] {
                let bound = HistoryArrayWriter.maximumSize(of: array, indent: indent)
                var bytes = [UInt8](repeating: 0xFF, count: bound + 8)
                let written = bytes.withUnsafeMutableBufferPointer { HistoryArrayWriter.write(array, indent: indent, at: $0.baseAddress!) }
                #expect(written <= bound)
                #expect(bytes[written...].allSatisfy { $0 == 0xFF })
                // JSONEncoder's pretty-printed array, indented as if it were a value at `indent`.
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted]
                let reference = String(decoding: try encoder.encode(array), as: UTF8.self)
                    .split(separator: "\n", omittingEmptySubsequences: false)
                    .enumerated().map { $0.offset == 0 || $0.element.isEmpty ? String($0.element) : String(repeating: " ", count: indent) + $0.element }
                    .joined(separator: "\n")
                #expect(String(decoding: bytes[..<written], as: UTF8.self) == reference)
            }
        }
    }

    @Test("the reorder buffer releases in stable time order and delivers late events")
    func reorderStableOrder() {
        var buffer = ReorderBuffer<Int>(window: 10, capacity: 1000)
        var out: [(time: Double, element: Int)] = []
        // (time, id): ties at 5 arrive as 1, 2 (in order) then 3 (after a later time, so through the heap).
        let input: [(Double, Int)] = [(5, 1), (5, 2), (7, 4), (5, 3), (6, 5), (30, 6), (1, 7), (31, 8)]
        for (time, id) in input { buffer.push(time: time, id, into: &out) }
        buffer.drain(into: &out)
        #expect(out.map(\.element) == [1, 2, 3, 5, 4, 7, 6, 8])
        // Event 7 (time 1) came after time 7 was released: delivered at the released time, counted late.
        #expect(out.first { $0.element == 7 }?.time == 7)
        #expect(buffer.late == 1)
    }

    @Test("the reorder buffer matches a stable sort when nothing is late")
    func reorderMatchesSort() {
        var generator = SystemRandomNumberGenerator()
        var buffer = ReorderBuffer<Int>(window: 50, capacity: 1 << 20)
        var out: [(time: Double, element: Int)] = []
        var input: [(Double, Int)] = []
        for i in 0..<5000 { input.append((Double(i / 10 + Int.random(in: 0..<40, using: &generator)), i)) }
        for (time, id) in input { buffer.push(time: time, id, into: &out) }
        buffer.drain(into: &out)
        let expected = input.enumerated().sorted { $0.element.0 != $1.element.0 ? $0.element.0 < $1.element.0 : $0.offset < $1.offset }.map(\.element.1)
        #expect(out.map(\.element) == expected)
        #expect(buffer.late == 0)
    }

    @Test("events a few places out of order (inserted near the FIFO tail) and far out of order (heap) still leave in stable time order")
    func reorderNearAndFar() {
        var generator = SystemRandomNumberGenerator()
        var buffer = ReorderBuffer<Int>(window: 100, capacity: 1 << 20)
        var out: [(time: Double, element: Int)] = []
        var input: [(Double, Int)] = []
        for i in 0..<20_000 {
            // Mostly in order; 30 % a few lines early (near-tail insert, ties included); 2 % up to 80 lines early (heap).
            let roll = Int.random(in: 0..<100, using: &generator)
            let back = roll < 2 ? Int.random(in: 33..<80, using: &generator) : roll < 32 ? Int.random(in: 0..<6, using: &generator) : 0
            input.append((Double(max(0, i - back) / 2), i))
        }
        for (time, id) in input { buffer.push(time: time, id, into: &out) }
        buffer.drain(into: &out)
        let expected = input.enumerated().sorted { $0.element.0 != $1.element.0 ? $0.element.0 < $1.element.0 : $0.offset < $1.offset }.map(\.element.1)
        #expect(out.map(\.element) == expected)
        #expect(buffer.late == 0)
    }

    @Test("the reorder buffer releases early when over capacity")
    func reorderCapacity() {
        var buffer = ReorderBuffer<Int>(window: 1000, capacity: 3)
        var out: [(time: Double, element: Int)] = []
        for i in 0..<10 { buffer.push(time: Double(i), i, into: &out) }
        #expect(out.map(\.element) == Array(0..<7))
        #expect(buffer.count == 3)
    }

    @Test("the key set counts distinct keys exactly, including 0, up to its limit")
    func keySet() {
        var set = KeySet(limit: 5000)
        var reference = Set<UInt64>()
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let key = UInt64.random(in: 0..<3000, using: &generator) &* 0x1_0000_0001
            let inserted = set.insert(key)
            #expect(inserted)
            reference.insert(key)
        }
        #expect(set.count == reference.count)
        var full = KeySet(limit: 2)
        let first = full.insert(7), zero = full.insert(0), again = full.insert(7), overLimit = full.insert(9)
        #expect(first && zero && again)
        #expect(!overLimit)
        #expect(full.count == 2)
    }

    @Test("the session tracker closes sessions after the gap, counts transitions, survives rebuilds")
    func sessionTracker() {
        var tracker = SessionTracker(gap: 100, maxActive: 1_000_000, maxTransitions: 10)
        // 10,000 keys × 3 requests each (shapes 1 → 2 → 3), then each key again after the gap.
        for round in 0..<2 {
            for step in 0..<3 {
                for key in 0..<10_000 {
                    tracker.observe(key: UInt64(key + 1), time: Double(round * 1000 + step * 10), shape: Int32(step + 1), step: Int32(round))
                }
            }
        }
        tracker.finish()
        #expect(tracker.sessions == 20_000)
        #expect(tracker.transitions[SessionTracker.pair(1, 2)] == 20_000)
        #expect(tracker.transitions[SessionTracker.pair(2, 3)] == 20_000)
        #expect(tracker.transitions.count == 2)
        #expect(tracker.entries[1] == 20_000 && tracker.exits[3] == 20_000)
        #expect(tracker.requestsPerSession.count == 20_000 && tracker.requestsPerSession.min == 3 && tracker.requestsPerSession.max == 3)
    }
}
