import Foundation
import Testing
@testable import Shadowcast

/// The embedded default end to end, in quick mode: real Labs on loopback, the real proxy,
/// emitter, forecaster and report writer.
@Suite("Demo pipeline")
struct DemoPipelineTests {
    @Test("quick demo writes a complete report with scaling, findings and no secret")
    func quickDemoEndToEnd() async throws {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("shadowcast-demo-\(UUID().uuidString)", isDirectory: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var configuration = DemoConfiguration.quick(outputDirectory: folder)
        configuration.progress = false
        let outcome = try await DemoPipeline(configuration: configuration).run()

        // Both files exist and the summary decodes to what the pipeline returned (dates are
        // written to the second, so compare the measured sections).
        #expect(FileManager.default.fileExists(atPath: outcome.html.path))
        let summary = try SummaryCodec.read(from: outcome.summaryJSON)
        #expect(summary.timeline == outcome.summary.timeline)
        #expect(summary.routes == outcome.summary.routes)
        #expect(summary.scaling == outcome.summary.scaling)

        // History, forecast and the held-out actual.
        let traffic = try #require(summary.traffic)
        #expect(traffic.history.count >= 24)
        let forecast = try #require(traffic.forecast)
        #expect(!forecast.points.isEmpty)
        #expect(traffic.actual.count == forecast.points.count)
        #expect(traffic.actual.reduce(0) { $0 + $1.count } > 0)
        #expect(!(summary.backtest?.rows.isEmpty ?? true))

        // Both Labs were measured every second, and both served requests.
        #expect(summary.timeline.primary.count >= Int(configuration.runSeconds))
        #expect(summary.timeline.secondary.count >= Int(configuration.runSeconds))
        #expect(summary.timeline.primary.contains { $0.rate > 0 })
        #expect(summary.timeline.secondary.contains { $0.rate > 0 })
        #expect(!summary.routes.isEmpty)
        #expect(!summary.latency.primary.isEmpty && !summary.latency.secondary.isEmpty)

        // The predictive autoscaler scaled the secondary up through its hook.
        let ups = summary.scaling.filter { $0.to > $0.from }
        #expect(!ups.isEmpty)
        #expect(ups.allSatisfy { $0.hook.succeeded })
        #expect(!summary.findings.isEmpty)
        #expect(!summary.events.isEmpty)

        // The profile carries its forecast.
        let profileData = try Data(contentsOf: outcome.profile)
        let profile = try RequestProfile.load(from: outcome.profile)
        #expect(profile.forecast != nil)

        // The sample log has credentials in query strings; none reaches profile, report or summary.
        let log = try String(contentsOf: outcome.accessLog, encoding: .utf8)
        let tokens = Set(log.split(separator: "\n").compactMap { line -> Substring? in
            guard let range = line.range(of: "access_token=") else { return nil }
            return line[range.upperBound...].prefix { $0.isHexDigit }
        }.filter { $0.count >= 6 })
        #expect(!tokens.isEmpty)
        let html = try String(contentsOf: outcome.html, encoding: .utf8)
        let json = try String(contentsOf: outcome.summaryJSON, encoding: .utf8)
        let profileText = String(decoding: profileData, as: UTF8.self)
        for token in tokens {
            #expect(!profileText.contains(token))
            #expect(!html.contains(token))
            #expect(!json.contains(token))
        }
    }

    @Test("invalid configurations are refused with a message")
    func invalidConfiguration() async throws {
        var configuration = DemoConfiguration.quick(outputDirectory: FileManager.default.temporaryDirectory)
        configuration.runSeconds = 1
        await #expect(throws: DemoError.self) { try await DemoPipeline(configuration: configuration).run() }
        configuration.runSeconds = 12
        configuration.maxSecondaryInstances = 0
        #expect(throws: DemoError.self) { try configuration.validate() }
    }
}
