import Foundation

/// Locates the shared real-traffic samples: `../shared/data/` beside the repository root (or one
/// level further up for a git worktree). Tests that need them skip when absent.
enum SampleData {
    static var directory: URL? {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        for candidate in [root.appendingPathComponent("../shared/data"), root.appendingPathComponent("../../shared/data")] {
            if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("apache_logs").path) { return candidate.standardizedFileURL }
        }
        return nil
    }

    static var apacheLogs: URL? { directory?.appendingPathComponent("apache_logs") }
    static var isPresent: Bool { apacheLogs != nil }
}

/// Writes text to a fresh temporary file and returns its path.
func temporaryFile(_ text: String, suffix: String = ".log") throws -> String {
    let path = NSTemporaryDirectory() + "shadowcast-test-\(UUID().uuidString)\(suffix)"
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    return path
}
