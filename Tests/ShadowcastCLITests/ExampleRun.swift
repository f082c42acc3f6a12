import Foundation
@testable import shadowcast
@testable import Shadowcast

/// `shadowcast run` of the example shop profile against a local sink, for end-to-end tests.
enum ExampleRun {
    /// Writes the example profile to a temporary folder, runs `run PROFILE --target <sink>
    /// <options> --json FILE --no-progress`, and returns the JSON report (the folder is removed).
    static func report(against sink: HTTPSink, _ options: [String]) async throws -> [String: Any] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("example-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let profile = directory.appendingPathComponent("profile.json")
        try ExampleProfile.shop(forecastSteps: 2).encoded().write(to: profile)
        let json = directory.appendingPathComponent("run.json").path
        let command = try RunCommand.parse(
            [profile.path, "--target", "http://127.0.0.1:\(sink.port)"] + options + ["--json", json, "--no-progress"])
        try await command.run()
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json)))
        guard let object = report as? [String: Any] else { throw CocoaError(.fileReadCorruptFile) }
        return object
    }
}
