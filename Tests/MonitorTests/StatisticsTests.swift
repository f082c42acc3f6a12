import Foundation
import Testing
@testable import Monitor

@Suite struct StatisticsTests {
    func buckets(_ values: [UInt64]) -> LatencyBuckets {
        LatencyBuckets(pairs: values.map { (value: $0, count: 1) })
    }

    @Test func mannWhitneyMatchesTheTextbookCase() throws {
        // Completely separated samples of 5: U = 0, z = 12.5 / sqrt(25 × 11 / 12) = 2.611, p = 0.00902.
        let result = try #require(SignificanceTest.mannWhitney(buckets([1, 2, 3, 4, 5]), buckets([6, 7, 8, 9, 10])))
        #expect(result.u == 0)
        #expect(abs(result.z - 2.611) < 0.001)
        #expect(abs(result.pValue - 0.00902) < 0.0001)
        #expect(result.probabilitySecondLarger == 1)
        let reversed = try #require(SignificanceTest.mannWhitney(buckets([6, 7, 8, 9, 10]), buckets([1, 2, 3, 4, 5])))
        #expect(reversed.z < 0 && reversed.probabilitySecondLarger == 0)
    }

    @Test func mannWhitneyHandlesTiesInBuckets() throws {
        let a = LatencyBuckets(pairs: [(100, 50), (200, 50)])
        let same = try #require(SignificanceTest.mannWhitney(a, a))
        #expect(same.pValue > 0.99 && same.probabilitySecondLarger == 0.5)
        let shifted = LatencyBuckets(pairs: [(100, 30), (200, 70)])
        let test = try #require(SignificanceTest.mannWhitney(a, shifted))
        #expect(test.probabilitySecondLarger == 0.6)  // P(B>A) + P(tie)/2 = 0.35 + 0.5 × 0.5
        #expect(test.pValue < 0.01 && test.z > 0)
        #expect(SignificanceTest.mannWhitney(a, LatencyBuckets(pairs: [])) == nil)
    }

    @Test func proportionTest() {
        #expect(SignificanceTest.proportions(errors1: 10, n1: 1000, errors2: 10, n2: 1000) > 0.99)
        #expect(SignificanceTest.proportions(errors1: 10, n1: 1000, errors2: 60, n2: 1000) < 0.001)
    }

    @Test func bucketQuantilesAndHistogramRoundTrip() {
        let buckets = LatencyBuckets(pairs: [(1000, 90), (5000, 9), (20000, 1), (1000, 0)])
        #expect(buckets.totalCount == 100 && buckets.quantile(0.5) == 1000 && buckets.quantile(0.95) == 5000 && buckets.quantile(1) == 20000)
        let histogram = buckets.histogram()
        #expect(histogram.totalCount == 100)
        let back = LatencyBuckets(histogram: histogram)
        #expect(back.totalCount == 100)
        #expect(abs(Double(back.quantile(0.99)) - 5000) / 5000 < 0.002)
    }

    @Test func resultsFileRoundTripsAndBadFilesSayWhere() throws {
        let json = #"""
            {"requests": 1000, "duration_s": 10, "rps": 100, "errors": {"http_5xx": 5, "timeout": 1}, "late": 2,
             "latency_ms": {"p50": 1.0, "p90": 2.0, "p99": 5.0, "p999": 9.0, "max": 12.0},
             "histogram_us": [[1000, 900], [5000, 99], [12000, 1]],
             "routes": {"/a": {"requests": 1000, "duration_s": 10, "rps": 100, "errors": {}, "late": 0,
                               "latency_ms": {"p50": 1.0, "p90": 2.0, "p99": 5.0, "p999": 9.0, "max": 12.0},
                               "histogram_us": [[1000, 900], [5000, 99], [12000, 1]]}}}
            """#
        let summary = try RunResults.decode(Data(json.utf8), source: "a.json")
        #expect(summary.requests == 1000 && summary.errorCount == 6 && summary.late == 2 && summary.latencyMs.p99 == 5)
        #expect(summary.routes?["/a"]?.buckets.totalCount == 1000)
        let again = try RunResults.decode(try summary.json(), source: "again")
        #expect(again == summary)

        #expect { try RunResults.decode(Data(#"{"duration_s": 1}"#.utf8), source: "b.json") } throws: {
            "\($0)" == "b.json: missing field 'requests' at top level"
        }
        #expect { try RunResults.decode(Data(#"{"requests": 1, "duration_s": 1, "histogram_us": [[1, 2, 3]]}"#.utf8), source: "c.json") } throws: {
            "\($0)".contains("c.json") && "\($0)".contains("histogram_us[0]")
        }
        #expect { try RunResults.decode(Data(#"{"requests": "x", "duration_s": 1}"#.utf8), source: "d.json") } throws: {
            "\($0)".contains("d.json: field requests")
        }
        #expect(throws: MonitorInputError.self) { try RunResults.load(path: "/nonexistent/x.json") }
    }
}
