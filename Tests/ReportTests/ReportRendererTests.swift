import Foundation
import Testing
@testable import Report

@Suite("HTML report")
struct ReportRendererTests {
    static let emptyMeta = RunMeta(toolVersion: "0.1.0", command: ["shadowcast", "load"],
                                   started: Date(timeIntervalSince1970: 0), ended: Date(timeIntervalSince1970: 10))

    /// The text of one `<section id=…>` of the page.
    func section(_ id: String, in html: String) -> String {
        guard let start = html.range(of: "<section class=\"card\" id=\"\(id)\">"),
              let end = html.range(of: "</section>", range: start.upperBound..<html.endIndex) else { return "" }
        return String(html[start.upperBound..<end.lowerBound])
    }

    @Test("the page is self-contained: no scripts, no remote resources")
    func selfContained() {
        let html = ReportRenderer().render(SampleSummary.make())
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(!html.contains("<script"))
        #expect(!html.contains("<link"))
        #expect(!html.contains("src="))
        #expect(!html.contains("@import") && !html.contains("url("))
        // The only URLs are the SVG namespace and the targets printed as text.
        let httpCount = html.components(separatedBy: "http").count - 1
        let allowed = html.components(separatedBy: "http://www.w3.org/2000/svg").count - 1
            + html.components(separatedBy: "http://127.0.0.1").count - 1
        #expect(httpCount == allowed)
    }

    @Test("user strings are escaped: a route named <script> stays text")
    func escaping() {
        var summary = SampleSummary.make()
        summary.routes[0].route = "<script>alert(1)</script>"
        summary.findings[0].sentence = "a \"quoted\" & <b>bold</b> claim"
        summary.events[0].name = "<img onerror=x>"
        let html = ReportRenderer(title: "T <i>").render(summary)
        #expect(!html.contains("<script>"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(html.contains("a &quot;quoted&quot; &amp; &lt;b&gt;bold&lt;/b&gt; claim"))
        #expect(!html.contains("<img"))
        #expect(!html.contains("<i>"))
    }

    @Test("every section with data has its chart or table")
    func chartsPresent() {
        let html = ReportRenderer().render(SampleSummary.make())
        for id in ["traffic", "load", "latency", "scaling"] {
            let text = section(id, in: html)
            #expect(text.contains("<svg class=\"chart wide\"") && text.contains("<svg class=\"chart compact\""), "section \(id) has no chart")
            #expect(text.contains("class=\"line\""), "section \(id) draws no line")
            #expect(!text.contains("class=\"empty\""), "section \(id) says no data")
        }
        #expect(section("traffic", in: html).contains("class=\"band\""))
        #expect(section("load", in: html).components(separatedBy: "<svg class=\"chart wide\"").count - 1 == 3)
        #expect(section("load", in: html).components(separatedBy: "<svg class=\"chart compact\"").count - 1 == 3)
        #expect(section("routes", in: html).contains("GET /products/{id}"))
        #expect(section("faults", in: html).contains("connection reset"))
        #expect(section("findings", in: html).contains("POST /checkout saturates"))
        #expect(section("events", in: html).contains("flash sale"))
        #expect(!html.contains("Bearer abc123"))
    }

    @Test("findings are listed most severe first")
    func findingsOrder() {
        let text = section("findings", in: ReportRenderer().render(SampleSummary.make()))
        let critical = text.range(of: "badge critical")!, warning = text.range(of: "badge warning")!, info = text.range(of: "badge info")!
        #expect(critical.lowerBound < warning.lowerBound && warning.lowerBound < info.lowerBound)
    }

    @Test("an empty run says 'no data' in every data section and draws no chart")
    func emptySections() {
        let html = ReportRenderer().render(RunSummary(meta: Self.emptyMeta))
        for id in ["findings", "traffic", "load", "latency", "routes", "scaling", "faults", "events"] {
            let text = section(id, in: html)
            #expect(text.contains("class=\"empty\">No data"), "section \(id) lacks a no-data note")
            #expect(!text.contains("<svg"), "section \(id) drew a chart without data")
        }
    }

    @Test("a run with only a secondary draws no primary series")
    func secondaryOnly() {
        var summary = SampleSummary.make()
        summary.timeline.primary = []
        summary.latency.primary = []
        let text = section("load", in: ReportRenderer().render(summary))
        #expect(!text.contains("primary p99"))
        #expect(text.contains("secondary p99"))
    }

    @Test("the writer creates shadowcast-report/index.html and summary.json")
    func writer() throws {
        let parent = FileManager.default.temporaryDirectory.appendingPathComponent("report-writer-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: parent) }
        let written = try ReportWriter().write(SampleSummary.make(), into: parent)
        #expect(written.folder.lastPathComponent == "shadowcast-report")
        let html = try String(contentsOf: written.html, encoding: .utf8)
        #expect(html.contains("<svg"))
        #expect(try SummaryCodec.read(from: written.summary) == SampleSummary.make())
    }

    @Test("the writer reports a folder it cannot create")
    func writerError() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("report-blocker-\(UUID().uuidString)")
        try Data("x".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        #expect(throws: ReportWriteError.self) { try ReportWriter().write(SampleSummary.make(), into: file) }
    }

    /// Writes the sample report where `tools/render-report` asks for it (SHADOWCAST_SAMPLE_REPORT_DIR).
    @Test("the sample report is written for the screenshot check", .enabled(if: ProcessInfo.processInfo.environment["SHADOWCAST_SAMPLE_REPORT_DIR"] != nil))
    func writeSample() throws {
        let dir = URL(fileURLWithPath: ProcessInfo.processInfo.environment["SHADOWCAST_SAMPLE_REPORT_DIR"]!)
        var summary = SampleSummary.make()
        if let flag = ProcessInfo.processInfo.environment["SHADOWCAST_SAMPLE_EMPTY"], !flag.isEmpty { summary = RunSummary(meta: Self.emptyMeta) }
        try ReportWriter().write(summary, into: dir)
    }
}
