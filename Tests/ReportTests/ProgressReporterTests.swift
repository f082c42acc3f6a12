import Foundation
import Testing
@testable import Report

@Suite("live progress")
struct ProgressReporterTests {
    let snapshot = ProgressSnapshot(elapsed: 65, remaining: 115, rate: 2400.4, p99Ms: 45.2, errors: 12, completed: 2930)

    @Test("a plain line carries every figure")
    func plainLine() {
        #expect(ProgressReporter.plainLine(snapshot) == "[  1:05]  2,400 rps  p99 45.2 ms  errors 12 (0.41%)  1:55 left")
        let early = ProgressSnapshot(elapsed: 0.4, rate: 0)
        #expect(ProgressReporter.plainLine(early) == "[  0:00]  0 rps  p99 –  errors 0")
    }

    @Test("a wide terminal gets a bar, time, rate, p99 and errors on one line")
    func wideTerminal() {
        let line = ProgressReporter.terminalLine(snapshot, width: 120)
        #expect(line.hasPrefix("[==========>"))
        #expect(line.hasSuffix("1:05 / 3:00 · 2,400 rps · p99 45.2 ms · errors 12 (0.41%)"))
        #expect(line.count <= 119)
    }

    @Test("narrow terminals drop fields, never wrap", arguments: [100, 80, 60, 45, 40, 30, 20, 12])
    func narrowTerminal(width: Int) {
        let line = ProgressReporter.terminalLine(snapshot, width: width)
        #expect(line.count <= width - 1, "\(line.count) > \(width - 1): \(line)")
        #expect(line.contains("1:05"))
        if width >= 40 { #expect(line.contains("p99 45.2 ms")) }
        if width >= 60 { #expect(line.contains("errors 12")) }
    }

    @Test("on a terminal, updates redraw the same line and finish ends it")
    func terminalRedraw() {
        var reporter = ProgressReporter(mode: .terminal(width: 80))
        let first = reporter.update(snapshot)
        #expect(first?.hasPrefix("\r") == true && first?.hasSuffix("\u{1B}[K") == true)
        #expect(first?.contains("\n") == false)
        #expect(reporter.update(ProgressSnapshot(elapsed: 65.05, rate: 1)) == nil)  // throttled
        #expect(reporter.update(ProgressSnapshot(elapsed: 65.2, rate: 1)) != nil)
        #expect(reporter.finish() == "\n")
        #expect(reporter.finish() == "")
    }

    @Test("without a terminal, one plain line per interval")
    func plainLines() {
        var reporter = ProgressReporter(mode: .lines, interval: 5)
        var lines: [String] = []
        for tenth in 0...120 {
            if let text = reporter.update(ProgressSnapshot(elapsed: Double(tenth) / 10, rate: 100)) { lines.append(text) }
        }
        #expect(lines.count == 3)  // at 0 s, 5 s, 10 s
        #expect(lines.allSatisfy { $0.hasSuffix("\n") && !$0.contains("\r") && !$0.contains("\u{1B}") })
        #expect(reporter.finish() == "")
    }

    @Test("progress to a pipe is detected as plain lines")
    func detectPipe() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        defer { close(fds[0]); close(fds[1]) }
        #expect(ProgressReporter.Mode.detect(fileDescriptor: fds[1]) == .lines)
    }
}
