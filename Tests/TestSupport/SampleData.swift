import Foundation

/// Locates the shared real-traffic samples: `../shared/data/` beside the repository root (or one
/// level further up for a git worktree). Tests that need them skip when absent.
public enum SampleData {
    public static var directory: URL? {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        for candidate in [root.appendingPathComponent("../shared/data"), root.appendingPathComponent("../../shared/data")] {
            if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("apache_logs").path) { return candidate.standardizedFileURL }
        }
        return nil
    }

    public static var apacheLogs: URL? { directory?.appendingPathComponent("apache_logs") }
    public static var isPresent: Bool { apacheLogs != nil }
}

/// Writes text to a fresh temporary file and returns its path.
public func temporaryFile(_ text: String, suffix: String = ".log") throws -> String {
    let path = NSTemporaryDirectory() + "shadowcast-test-\(UUID().uuidString)\(suffix)"
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    return path
}
