import Foundation
import Shadowcast

extension LoadCommand {
    /// `--report-dir`: the HTML report and summary.json of this run.
    func writeReport(_ result: EmissionResult, started: Date) throws {
        guard report.directory != nil else { return }
        let summary = EmissionRunSummary(
            result: result, command: ["shadowcast"] + CommandLine.arguments.dropFirst(), target: url.text, started: started, ended: Date(),
            offeredRate: rate, thresholds: thresholds.thresholds.evaluate(ThresholdMetrics(result))).summary()
        try report.write(summary, quietStandardOutput: options.json == "-")
    }
}
