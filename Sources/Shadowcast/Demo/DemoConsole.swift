import Foundation
import Report

/// Where the demo's progress goes: standard error, one line per step, and a live
/// ``ProgressReporter`` line (redrawn on a terminal, plain lines otherwise) during the load.
struct DemoConsole: Sendable {
    let enabled: Bool
    let started = ContinuousClock.now

    /// Prints `text` prefixed with the elapsed wall time.
    func step(_ text: String) {
        guard enabled else { return }
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        write(String(format: "[%6.1fs] ", seconds) + text + "\n")
    }

    /// Prints `text` as is (tables).
    func block(_ text: String) {
        guard enabled else { return }
        write(text.hasSuffix("\n") ? text : text + "\n")
    }

    func write(_ text: String) {
        guard enabled else { return }
        FileHandle.standardError.write(Data(text.utf8))
    }
}
