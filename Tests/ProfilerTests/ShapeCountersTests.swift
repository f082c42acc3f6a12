import Foundation
import Testing
@testable import Profiler
import Traffic

/// The flat per-shape counters (request, method and status counts) must give exactly the counts
/// of counting each request in the shape's own stats, including methods and status codes that
/// do not fit a block and odd status values.
@Suite("Profiler shape counters")
struct ShapeCountersTests {
    @Test("flat counters plus overflow equal direct counting; folding twice does not count twice")
    func matchesDirectCounting() {
        var generator = SystemRandomNumberGenerator()
        let statuses = [200, 304, 404, -1, 500, 301, 206, 503, 999, Int.max, -7]
        var counters = ShapeCounters()
        var stats = (0..<7).map { _ in ShapeStats(parameters: [], valueCapacity: 2) }
        var expectedCount = [Int](repeating: 0, count: 7)
        var expectedMethods = [[Int: Int]](repeating: [:], count: 7)
        var expectedStatuses = [[Int: Int]](repeating: [:], count: 7)
        for _ in 0..<5000 {
            let shape = Int.random(in: 0..<7, using: &generator)
            let method = Int.random(in: 0..<9, using: &generator)
            // Shape 0 sees every status (more than a block holds); the others a few.
            let status = shape == 0 ? statuses.randomElement(using: &generator)! : statuses[Int.random(in: 0..<3, using: &generator)]
            expectedCount[shape] += 1
            expectedMethods[shape][method, default: 0] += 1
            expectedStatuses[shape][Int(Int32(truncatingIfNeeded: status)), default: 0] += 1
            let overflow = counters.count(shape: shape, method: method, status: status)
            if overflow.methodOverflow {
                if method >= stats[shape].methodCounts.count { stats[shape].methodCounts.append(contentsOf: repeatElement(0, count: method + 1 - stats[shape].methodCounts.count)) }
                stats[shape].methodCounts[method] += 1
            }
            if overflow.statusOverflow { stats[shape].countStatus(status) }
        }
        #expect(counters.requests(3) == expectedCount[3])
        counters.fold(into: &stats)
        counters.fold(into: &stats)
        #expect(counters.requests(3) == 0)
        for shape in 0..<7 {
            #expect(stats[shape].count == expectedCount[shape])
            var methods: [Int: Int] = [:]
            for (method, count) in stats[shape].methodCounts.enumerated() where count > 0 { methods[method] = count }
            #expect(methods == expectedMethods[shape])
            #expect(stats[shape].statusCounts == expectedStatuses[shape])
        }
    }

    @Test("a profile's per-route method and status mixes match an independent count")
    func profileMixes() {
        let methods = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]
        let statuses = [200, 201, 204, 301, 304, 404, 500]
        var builder = ProfileBuilder()
        var expectedMethods: [String: Int] = [:]
        var expectedStatuses: [String: Int] = [:]
        for i in 0..<700 {
            let method = methods[(i * 3) % methods.count], status = statuses[(i * 5 / 2) % statuses.count]
            expectedMethods[method, default: 0] += 1
            expectedStatuses[String(status), default: 0] += 1
            builder.add(RequestRecord(time: 1000 + Double(i), method: method, path: "/items/\(i % 50)", status: status, client: "c\(i % 9)"))
        }
        let p = builder.profile()
        #expect(p.routes.map(\.route) == ["/items/{id}"])
        let route = p.routes[0]
        #expect(route.count == 700)
        #expect(Dictionary(uniqueKeysWithValues: route.methods.map { ($0.value, $0.count) }) == expectedMethods)
        #expect(Dictionary(uniqueKeysWithValues: route.statuses.map { ($0.value, $0.count) }) == expectedStatuses)
        // A second snapshot of the same builder gives the same counts (folding works on a copy).
        #expect(builder.profile().routes[0].methods == route.methods)
    }
}
