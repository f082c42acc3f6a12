import Foundation
import Testing
import TestSupport
@testable import Traffic

@Suite("Log parsers")
struct LogParserTests {
    struct Line: Equatable {
        var time: Double, method: String, path: String, query: String, status: Int, bytes: Int
        var client: String, agent: String, referrer: String, latency: Double, country: String
    }

    static func parse(_ text: String, format: LogFormat, configuration: LogReaderConfiguration = LogReaderConfiguration()) throws -> ([Line], LogReadSummary) {
        let path = try temporaryFile(text)
        defer { try? FileManager.default.removeItem(atPath: path) }
        var lines: [Line] = []
        let summary = try LogReader(configuration: configuration).read(try LogSource(path: path), format: format) { f, _ in
            lines.append(Line(time: f.time, method: f.method.string, path: f.path.string, query: f.query.string, status: f.status,
                              bytes: f.responseBytes, client: f.client.string, agent: f.userAgent.string, referrer: f.referrer.string,
                              latency: f.latency, country: f.country.string))
        }
        return (lines, summary)
    }

    @Test("Combined: fields, escaped quotes, absolute targets, '-' sizes, CRLF")
    func combined() throws {
        let text = """
        1.2.3.4 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif?x=1 HTTP/1.0" 200 2326 "http://example.com/" "Mozilla/4.08 [en] (Win98; \\"I\\" ;Nav)"\r
        5.6.7.8 - - [10/Oct/2000:20:55:36 +0000] "POST http://example.com/api/v1 HTTP/1.1" 201 - "-" "curl/8.0"

        """
        let (lines, summary) = try Self.parse(text, format: .combined)
        #expect(summary.parsed == 2 && summary.skipped == 0)
        #expect(lines[0] == Line(time: 971_211_336, method: "GET", path: "/apache_pb.gif", query: "x=1", status: 200, bytes: 2326,
                                 client: "1.2.3.4", agent: #"Mozilla/4.08 [en] (Win98; \"I\" ;Nav)"#, referrer: "http://example.com/", latency: -1, country: ""))
        #expect(lines[1].time == lines[0].time)  // same instant in another zone
        #expect(lines[1].path == "/api/v1" && lines[1].bytes == 0 && lines[1].method == "POST")
    }

    @Test("a UTF-8 byte-order mark before the first line is skipped; byte offsets still count it")
    func byteOrderMark() throws {
        let good = #"1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 1 "-" "a""#
        let (lines, summary) = try Self.parse("\u{FEFF}" + good + "\ngarbage\n" + good + "\n", format: .combined)
        #expect(lines.map(\.client) == ["1.2.3.4", "1.2.3.4"])
        #expect(summary.parsed == 2)
        #expect(summary.firstSkipped.map(\.byteOffset) == [3 + good.utf8.count + 1])
        // Only the file's first bytes are checked: a mark anywhere else stays data.
        let (laterLines, _) = try Self.parse(good + "\n\u{FEFF}" + good + "\n", format: .combined)
        #expect(laterLines.map(\.client) == ["1.2.3.4", "\u{FEFF}1.2.3.4"])
    }

    @Test("malformed lines are counted with their numbers and reasons, not dropped silently")
    func malformed() throws {
        let good = #"1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 1 "-" "a""#
        let text = [good, "garbage", #"1.2.3.4 - - [99/Foo/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 1 "-" "a""#, good,
                    #"1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" abc 1 "-" "a""#,
                    #"1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "\x16\x03\x01" 400 0 "-" "-""#].joined(separator: "\n")
        let (lines, summary) = try Self.parse(text, format: .combined)
        #expect(lines.count == 2)
        #expect(summary.skipped == 4)
        #expect(summary.firstSkipped.map(\.line) == [2, 3, 5, 6])
        #expect(summary.firstSkipped.map(\.reason) == ["missing client address", "bad timestamp", "bad status", "malformed request line"])
        #expect(summary.firstSkipped[1].byteOffset == good.utf8.count + 1 + "garbage".utf8.count + 1)
    }

    @Test("a \"-\" or empty request line (a connection that sent no request) is counted under its own reason, and strict mode accepts it")
    func noRequestLines() throws {
        let good = #"1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 1 "-" "a""#
        let dash = #"5.6.7.8 - - [10/Oct/2000:13:55:37 -0700] "-" 400 0 "-" "-""#
        let empty = #"5.6.7.8 - - [10/Oct/2000:13:55:38 -0700] "" 408 0 "-" "-""#
        let broken = #"5.6.7.8 - - [10/Oct/2000:13:55:39 -0700] "--" 400 0 "-" "-""#
        let (lines, summary) = try Self.parse([good, dash, empty, good].joined(separator: "\n"), format: .combined)
        #expect(lines.count == 2)
        #expect(summary.skipped == 2)
        #expect(summary.reasons == [LineParseError.noRequestReason: 2])
        #expect(summary.firstSkipped.map(\.line) == [2, 3])
        var strict = LogReaderConfiguration()
        strict.strict = true
        let (strictLines, strictSummary) = try Self.parse([good, dash, good].joined(separator: "\n"), format: .combined, configuration: strict)
        #expect(strictLines.count == 2 && strictSummary.skipped == 1)
        // Anything else that does not split is still malformed, and strict mode still stops on it.
        #expect(try Self.parse(broken, format: .combined).1.reasons == ["malformed request line": 1])
        #expect(throws: MalformedLineError.self) { try Self.parse([good, broken].joined(separator: "\n"), format: .combined, configuration: strict) }
        // The same in a log_format pattern and in JSON lines.
        let pattern = try LogFormat(argument: #"$remote_addr [$time_local] "$request" $status"#)
        #expect(try Self.parse(#"1.1.1.1 [10/Oct/2000:13:55:36 -0700] "-" 400"#, format: pattern).1.reasons == [LineParseError.noRequestReason: 1])
        #expect(try Self.parse(#"{"time": 971211336, "request": "-", "status": 400}"#, format: .jsonLines(JSONFieldNames())).1.reasons == [LineParseError.noRequestReason: 1])
    }

    @Test("Common Log Format lines need no referrer or agent")
    func common() throws {
        let (lines, summary) = try Self.parse(#"9.9.9.9 - - [01/Jan/2024:00:00:00 +0000] "GET /a/b HTTP/1.1" 404 12"# + "\n", format: .common)
        #expect(summary.parsed == 1)
        #expect(lines.first?.time == 1_704_067_200)
        #expect(lines.first?.status == 404)
        #expect(try Self.parse(#"9.9.9.9 - - [01/Jan/2024:00:00:00 +0000] "GET /a/b HTTP/1.1" 404 12"#, format: .combined).1.skipped == 1)
    }

    @Test("log_format pattern with request time, country and a cookie variable that is never read")
    func pattern() throws {
        let format = try LogFormat(argument: #"$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_time $geoip_country_code "$http_cookie""#)
        guard case .pattern(let pattern) = format else { Issue.record("not a pattern"); return }
        #expect(pattern.tokens.contains(.variable(name: "http_cookie", field: .secret)))
        let line = #"10.0.0.1 - bob [17/May/2015:10:05:03 +0000] "GET /users/42?token=abc HTTP/1.1" 200 512 "-" "Go-http-client/1.1" 0.125 DE "sid=SECRET""#
        let (lines, summary) = try Self.parse(line + "\n", format: format)
        #expect(summary.parsed == 1)
        #expect(lines.first == Line(time: 1_431_857_103, method: "GET", path: "/users/42", query: "token=abc", status: 200, bytes: 512,
                                    client: "10.0.0.1", agent: "Go-http-client/1.1", referrer: "-", latency: 0.125, country: "DE"))
        #expect(throws: LogPattern.PatternError.self) { try LogPattern(#"$remote_addr$status"#) }
        #expect(throws: LogPattern.PatternError.self) { try LogPattern("$remote_addr $status") }
    }

    @Test("JSON lines: escapes, ISO and epoch times, nested keys, custom names, secret keys refused")
    func jsonLines() throws {
        let text = """
        {"time":"2015-05-17T10:05:03.500+02:00","method":"GET","path":"/a\\/b?q=1","status":200,"bytes":10,"user_agent":"x \\"y\\" \\u00e9","authorization":"Bearer abc"}
        {"ts":1431857103000,"request":"PUT /items/7 HTTP/1.1","status":"204","latency_ms":12.5,"client":"1.1.1.1","headers":{"cookie":"k=v"}}
        {"time":"bad","path":"/x"}
        not json

        """
        let (lines, summary) = try Self.parse(text, format: try LogFormat(argument: "jsonl"))
        #expect(summary.parsed == 2)
        #expect(summary.firstSkipped.map(\.line) == [3, 4])
        #expect(lines[0].time == 1_431_849_903.5)
        #expect(lines[0].path == "/a/b" && lines[0].query == "q=1" && lines[0].agent == "x \"y\" é")
        #expect(lines[1].time == 1_431_857_103 && lines[1].method == "PUT" && lines[1].path == "/items/7" && lines[1].status == 204)
        #expect(lines[1].latency == 0.0125)
        var names = JSONFieldNames()
        #expect(throws: LogPattern.PatternError.self) { try names.set("session=cookie") }
        #expect(throws: LogPattern.PatternError.self) { try names.set("agent=headers.Authorization") }
        let custom = try LogFormat(argument: "jsonl", jsonFields: ["path=req.url", "time=when"])
        let (nested, _) = try Self.parse(#"{"when":1700000000,"req":{"url":"/n/1","method":"DELETE"}}"# + "\n", format: custom)
        #expect(nested.first?.path == "/n/1")
        // Epoch numbers by magnitude: seconds, milli-, micro- and nanoseconds are one instant.
        for when in ["1700000000", "1700000000000", "1700000000000000", "1700000000000000000"] {
            let (line, _) = try Self.parse(#"{"when":\#(when),"req":{"url":"/n/1"}}"# + "\n", format: custom)
            #expect(line.first?.time == 1_700_000_000, "\(when)")
        }
    }

    @Test("standard input through a pipe, with a last line lacking its newline")
    func stdinPipe() throws {
        var descriptors: [Int32] = [0, 0]
        try #require(pipe(&descriptors) == 0)
        let text = (0..<5000).map { #"1.2.3.\#($0 % 250) - - [10/Oct/2000:13:55:36 -0700] "GET /p/\#($0) HTTP/1.0" 200 \#($0) "-" "a""# }.joined(separator: "\n")
        let writeEnd = descriptors[1]
        let writer = Thread {
            var bytes = Array(text.utf8)
            bytes.withUnsafeMutableBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let n = write(writeEnd, buffer.baseAddress! + offset, buffer.count - offset)
                    if n <= 0 { break }
                    offset += n
                }
            }
            close(writeEnd)
        }
        writer.start()
        var configuration = LogReaderConfiguration()
        configuration.bufferSize = 4096  // many refills: lines cross buffer boundaries
        var total = 0
        let summary = try LogReader(configuration: configuration).read(LogSource(name: "-", descriptor: descriptors[0], owns: true), format: .combined) { f, _ in
            total += f.responseBytes
        }
        #expect(summary.parsed == 5000)
        #expect(summary.skipped == 0)
        #expect(total == (0..<5000).reduce(0, +))
    }

    @Test("too-long lines are skipped and counted")
    func longLine() throws {
        var configuration = LogReaderConfiguration()
        configuration.bufferSize = 1024
        configuration.maxLineLength = 256
        let good = #"1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 1 "-" "a""#
        let text = good + "\n" + String(repeating: "x", count: 5000) + "\n" + good + "\n"
        let (lines, summary) = try Self.parse(text, format: .combined, configuration: configuration)
        #expect(lines.count == 2)
        #expect(summary.firstSkipped.map(\.line) == [2])
    }

    @Test("ISO-8601 and CLF timestamps agree with Foundation")
    func timestamps() {
        var parser = LogTimestampParser()
        let clf = Array("29/Feb/2024:23:59:59 -0130".utf8)
        let utc: Double = 1_709_251_199  // 2024-02-29T23:59:59Z
        let parsed = clf.withUnsafeBufferPointer { parser.parseCommonLog($0.baseAddress!, count: $0.count) }
        #expect(parsed == utc + 5400)
        let iso = Array("1999-12-31T23:59:59Z".utf8)
        #expect(iso.withUnsafeBufferPointer { parser.parseISO8601($0.baseAddress!, count: $0.count) } == 946_684_799)
        let bad = Array("31/Foo/1999:23:59:59 +0000".utf8)
        #expect(bad.withUnsafeBufferPointer { parser.parseCommonLog($0.baseAddress!, count: $0.count) } == nil)
    }
}
