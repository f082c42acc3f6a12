import Foundation
import Testing
@testable import Forecast

@Suite struct TimeSeriesCSVTests {
    @Test func parsesBothTimestampFormatsAndFillsGaps() throws {
        let csv = """
            timestamp,value
            2024-05-01 00:00:00,10
            2024-05-01T00:05:00Z,20
            2024-05-01T00:20:00+00:00,50
            2024-05-01 00:25:00,60.5
            """
        let (s, report) = try TimeSeriesCSV.parse(csv, name: "t")
        #expect(s.step == 300)
        #expect(s.start == TimestampParser.parse("2024-05-01T00:00:00Z"))
        #expect(s.values == [10, 20, 30, 40, 50, 60.5])
        #expect(s.filled == [2, 3])
        #expect(report.gapsFilled == 2)
        #expect(report.rowsRead == 4)
    }

    @Test func badRowsAreReportedWithLineNumbersOrFailInStrictMode() throws {
        let csv = "timestamp,value\n2024-05-01 00:00:00,1\nyesterday,2\n2024-05-01 00:10:00,abc\n2024-05-01 00:15:00,-4\n2024-05-01 00:20:00,5\n2024-05-01 00:25:00,6\n2024-05-01 00:30:00,7\n"
        let (s, report) = try TimeSeriesCSV.parse(csv, name: "t")
        #expect(report.skipped.map(\.line) == [3, 4, 5])
        #expect(report.skipped[0].reason.contains("yesterday"))
        #expect(s.count == 7)
        #expect(s.filled == [1, 2, 3])
        #expect(throws: TimeSeriesLoadError.self) { try TimeSeriesCSV.parse(csv, name: "t", strict: true) }
        do {
            _ = try TimeSeriesCSV.parse(csv, name: "t", path: "x.csv", strict: true)
        } catch let e as TimeSeriesLoadError {
            #expect(e.description.hasPrefix("x.csv:3:"))
        }
        #expect(throws: TimeSeriesLoadError.tooFewRows(path: "<input>", rows: 1)) { try TimeSeriesCSV.parse("a,b\n2024-01-01 00:00:00,1", name: "t") }
    }

    @Test("a file whose rows are all rejected says why, with the first rejected line")
    func tooFewRowsNamesTheFirstSkippedRow() {
        // Space-separated: every data row is one field.
        let csv = "timestamp value\n1714521600 5\n1714521900 6\n1714522200 7\n"
        do {
            _ = try TimeSeriesCSV.parse(csv, name: "t", path: "spaces.csv")
            Issue.record("expected an error")
        } catch let e as TimeSeriesLoadError {
            #expect(e == .tooFewRows(path: "spaces.csv", rows: 0, skipped: 4,
                                     firstSkipped: SkippedRow(line: 1, reason: "expected `timestamp,value`, found 1 field(s)")))
            #expect(e.description.contains("4 row(s) skipped, the first at line 1: expected `timestamp,value`"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test("Windows (CRLF) and old Mac (CR) line endings and a byte-order mark read like plain LF files")
    func lineEndingsAndByteOrderMark() throws {
        let rows = ["2024-05-01 00:00:00,1", "2024-05-01 00:05:00,2", "2024-05-01 00:10:00,3", "2024-05-01 00:15:00,4"]
        let plain = try TimeSeriesCSV.parse("timestamp,value\n" + rows.joined(separator: "\n") + "\n", name: "t").0
        #expect(plain.values == [1, 2, 3, 4])
        for (ending, prefix) in [("\r\n", ""), ("\r", ""), ("\r\n", "\u{FEFF}"), ("\n", "\u{FEFF}")] {
            for header in ["timestamp,value" + ending, ""] {
                let text = prefix + header + rows.joined(separator: ending) + ending
                let (s, report) = try TimeSeriesCSV.parse(text, name: "t")
                #expect(s.values == plain.values, "ending \(Array(ending.unicodeScalars)) bom \(!prefix.isEmpty) header \(!header.isEmpty)")
                #expect(report.skipped.isEmpty)
                #expect(report.rowsRead == 4)
            }
        }
        // Line numbers still count CRLF lines one each.
        let bad = "timestamp,value\r\n2024-05-01 00:00:00,1\r\nnope,2\r\n2024-05-01 00:10:00,3\r\n2024-05-01 00:15:00,4\r\n"
        #expect(try TimeSeriesCSV.parse(bad, name: "t").1.skipped.map(\.line) == [3])
    }

    @Test func coarserStepSumsCounts() throws {
        let csv = (0..<10).map { "2024-05-01 00:0\($0):00,1" }.joined(separator: "\n")
        let (s, report) = try TimeSeriesCSV.parse(csv, name: "t", step: 300)
        #expect(s.values == [5, 5])
        #expect(report.rowsMerged == 8)
        #expect(report.dataSpacing == 60)
        #expect(!report.stepFinerThanData)
    }

    @Test("a step finer than the rows' spacing is flagged (the console warns), the inferred one is not")
    func finerStepIsFlagged() throws {
        let csv = (0..<6).map { "2024-05-01 0\($0):00:00,\(10 + $0)" }.joined(separator: "\n")
        let (fine, fineReport) = try TimeSeriesCSV.parse(csv, name: "t", step: 300)
        #expect(fineReport.dataSpacing == 3600)
        #expect(fineReport.stepFinerThanData)
        #expect(fine.count == 61)
        let (_, inferred) = try TimeSeriesCSV.parse(csv, name: "t")
        #expect(inferred.step == 3600 && !inferred.stepFinerThanData)
    }

    @Test("Unix times in seconds, milliseconds, microseconds and nanoseconds read as the same instant")
    func unixTimeUnits() {
        let seconds = 1_767_225_600.0  // 2026-01-01T00:00:00Z
        #expect(TimestampParser.parse("1767225600") == seconds)
        #expect(TimestampParser.parse("1767225600.5") == seconds + 0.5)
        #expect(TimestampParser.parse("1767225600000") == seconds)
        #expect(TimestampParser.parse("1767225600250") == seconds + 0.25)
        #expect(TimestampParser.parse("1767225600000000") == seconds)
        #expect(TimestampParser.parse("1767225600000000000") == seconds)
        #expect(TimestampParser.parse("99999999999") == 99_999_999_999)  // still seconds (the year 5138)
    }

    @Test func isoTimestamps() {
        #expect(TimestampParser.iso8601(TimestampParser.parse("2014-04-24 00:44:00")!) == "2014-04-24T00:44:00Z")
        #expect(TimestampParser.parse("2024-05-01T02:00:00+02:00") == TimestampParser.parse("2024-05-01T00:00:00Z"))
    }
}
