import Foundation
import Testing
@testable import Traffic

@Suite("Sample traffic generator")
struct SampleTrafficTests {
    /// A small week: fast enough for a debug build, large enough for the shapes to show.
    static let small = SampleTrafficConfiguration(seed: 7, sessionsPerSecond: 0.03)

    static func hourOf(_ line: String) -> (day: Int, hour: Int, minute: Int) {
        // [16/Nov/2026:10:05:03 +0000]
        let open = line.firstIndex(of: "[")!
        let stamp = line[line.index(after: open)...].prefix(20)
        let parts = stamp.split(separator: ":")
        let day = Int(stamp.prefix(2))! - 16
        return (day, Int(parts[1])!, Int(parts[2])!)
    }

    @Test("the same seed gives the same bytes; another seed gives other bytes")
    func deterministic() {
        let config = SampleTrafficConfiguration(seed: 3, days: 1, sessionsPerSecond: 0.01, flashSale: nil)
        let a = SampleTrafficGenerator(configuration: config).combinedLines()
        let b = SampleTrafficGenerator(configuration: config).combinedLines()
        var other = config
        other.seed = 4
        let c = SampleTrafficGenerator(configuration: other).combinedLines()
        #expect(!a.isEmpty)
        #expect(a == b)
        #expect(a != c)
    }

    @Test("lines are well-formed Combined Log Format, in time order")
    func wellFormed() {
        let lines = SampleTrafficGenerator(configuration: SampleTrafficConfiguration(seed: 1, days: 1, sessionsPerSecond: 0.02, flashSale: nil)).combinedLines()
        var previous = ""
        for line in lines {
            let quoted = line.split(separator: "\"", omittingEmptySubsequences: false)
            #expect(quoted.count == 7, "\(line)")
            let request = quoted[1].split(separator: " ")
            #expect(request.count == 3 && request[2] == "HTTP/1.1")
            let statusAndBytes = quoted[2].split(separator: " ")
            #expect(statusAndBytes.count == 2 && Int(statusAndBytes[0]) != nil && Int(statusAndBytes[1]) != nil)
            let stamp = String(line.split(separator: "[")[1].prefix(20))
            #expect(stamp >= previous)  // one day, one month: the text order is the time order
            previous = stamp
        }
    }

    @Test("traffic has daily and weekly seasonality and one flash sale on the hot product")
    func shapes() {
        let generator = SampleTrafficGenerator(configuration: Self.small)
        let lines = generator.combinedLines()
        var perHour = [Int](repeating: 0, count: 7 * 24)
        var saleMinutes = 0, sameMinutesDayBefore = 0, hotInSale = 0
        let sale = Self.small.flashSale!
        let saleDay = Int(sale.offset / 86_400), saleStart = Int(sale.offset.truncatingRemainder(dividingBy: 86_400) / 60)
        for line in lines {
            let (day, hour, minute) = Self.hourOf(line)
            perHour[day * 24 + hour] += 1
            let minuteOfDay = hour * 60 + minute
            let inWindow = minuteOfDay >= saleStart && minuteOfDay < saleStart + Int(sale.duration / 60)
            if inWindow && day == saleDay {
                saleMinutes += 1
                if line.contains("/products/\(sale.hotProduct)") { hotInSale += 1 }
            }
            if inWindow && day == saleDay - 1 { sameMinutesDayBefore += 1 }
        }
        let evenings = (0..<7).map { perHour[$0 * 24 + 20] }.reduce(0, +)
        let nights = (0..<7).map { perHour[$0 * 24 + 4] }.reduce(0, +)
        #expect(Double(evenings) > 3 * Double(nights))
        let monday = perHour[0..<24].reduce(0, +), saturday = perHour[(5 * 24)..<(6 * 24)].reduce(0, +)
        #expect(saturday > monday)
        #expect(Double(saleMinutes) > 3 * Double(sameMinutesDayBefore))
        #expect(Double(hotInSale) > 0.2 * Double(saleMinutes))
    }

    @Test("credentials appear only in the recommendations query, for the profiler to redact")
    func credentialsInQuery() {
        let lines = SampleTrafficGenerator(configuration: SampleTrafficConfiguration(seed: 9, days: 1, sessionsPerSecond: 0.02)).combinedLines()
        let withToken = lines.filter { $0.contains("access_token=") }
        #expect(!withToken.isEmpty)
        #expect(withToken.allSatisfy { $0.contains("/api/recommendations?") })
    }

    @Test("timestamps format as Combined Log Format in UTC", arguments: [
        (1_794_787_200.0, "16/Nov/2026:00:00:00 +0000"),
        (951_782_400.0 + 3_661, "29/Feb/2000:01:01:01 +0000"),
        (0.0, "01/Jan/1970:00:00:00 +0000"),
    ])
    func timestamps(epoch: Double, expected: String) {
        #expect(CombinedTimestamp.format(epoch) == expected)
    }

    @Test("the country table names every country once with a /16 prefix")
    func countryTable() {
        let rows = SampleTrafficGenerator.countryPrefixTable().split(separator: "\n")
        #expect(rows.count == SampleCountry.all.count)
        #expect(Set(rows.map { $0.split(separator: ",")[1] }).count == rows.count)
        #expect(rows.allSatisfy { $0.contains(".0.0/16,") })
    }
}
