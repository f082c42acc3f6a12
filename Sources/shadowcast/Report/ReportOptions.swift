import ArgumentParser
import Foundation
import Shadowcast

/// `--report-dir DIR` for `load`, `run` and `shadow`: writes the same self-contained HTML report and
/// `summary.json` as `shadowcast demo` (DIR/index.html, DIR/summary.json) from the run's result.
/// Use with `@OptionGroup(title: "Report") var report: ReportOptions`.
struct ReportOptions: ParsableArguments {
    @Option(name: .customLong("report-dir"),
            help: ArgumentHelp("Write the HTML report and summary.json of the run into this folder (created if needed).", valueName: "dir"))
    var directory: String?

    func validate() throws {
        if let directory, directory.isEmpty { throw ValidationError("--report-dir must name a folder") }
    }

    /// Writes `summary` into `--report-dir` (nothing without it) and prints where, on standard
    /// error when `quietStandardOutput` (the standard output then carries JSON).
    @discardableResult
    func write(_ summary: RunSummary, quietStandardOutput: Bool = false) throws -> ReportWriter.Written? {
        guard let directory else { return nil }
        let written: ReportWriter.Written
        do {
            written = try ReportWriter().write(summary, to: URL(fileURLWithPath: directory, isDirectory: true))
        } catch {
            throw ValidationError("\(error)")
        }
        let line = "report: \(written.html.path)\nsummary: \(written.summary.path)\n"
        if quietStandardOutput { FileHandle.standardError.write(Data(line.utf8)) } else { print(line, terminator: "") }
        return written
    }
}
