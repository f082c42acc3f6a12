import Foundation
import Testing
import Shadowcast

// The README's embedding example, compiled and run as written: the test below checks that the
// README shows exactly the lines between the markers.

// BEGIN README EXAMPLE
/// Profiles an access log, forecasts the next hour, sends that traffic (compressed into
/// `seconds`) to `target`, and returns the result.
func forecastDrivenLoad(log: String, target: EmissionTarget, seconds: Double) async throws -> EmissionResult {
    // 1. Learn the profile: routes, mixes, sizes, agents, sessions, history (secrets redacted).
    var builder = ProfileBuilder(configuration: ProfilerConfiguration())
    try builder.ingest(try LogSource(path: log), format: .combined)
    var profile = builder.profile()

    // 2. Forecast the next hour (LSTM vs baselines, best on backtest) into the profile.
    let outcome = try profile.attachForecast(horizonSeconds: 3_600)
    print("forecast by \(outcome.result.model): \(outcome.result.reason)")

    // 3. Sample requests and arrival times from it (seeded), an hour compressed into `seconds`.
    var synthesis = SynthesisOptions()
    synthesis.durationSeconds = seconds
    synthesis.timeCompression = 3_600 / seconds
    synthesis.host = target.description
    let schedule = try SynthesizedSchedule(profile: profile, options: synthesis)

    // 4. Send them on the open model; latency is measured from each intended send time.
    var emission = EmissionConfiguration(target: target, model: .schedule)
    emission.duration = .milliseconds(Int(seconds * 1_000))
    let result = try await Emitter.run(emission, schedule: schedule, routes: schedule.routeNames)

    // 5. Read the result: totals, percentiles (microseconds), per-route figures.
    print("\(result.requests) answered, \(Int(result.achievedRate)) req/s, p99 \(result.latency.valueAtPercentile(99)) µs")
    for route in result.routes where route.requests > 0 {
        print("  \(route.name): \(route.requests) requests, p99 \(route.latency.valueAtPercentile(99)) µs")
    }
    return result
}
// END README EXAMPLE

@Suite("Embedding example")
struct EmbeddingExampleTests {
    static let readme = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("README.md")

    @Test("the README's example profiles, forecasts, sends and reads a result")
    func runsAsWritten() async throws {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("shadowcast-embedding-\(UUID().uuidString).log").path
        try SampleTrafficGenerator(configuration: SampleTrafficConfiguration(seed: 11, days: 2, sessionsPerSecond: 0.02, flashSale: nil))
            .writeCombinedLog(to: log)
        defer { try? FileManager.default.removeItem(atPath: log) }
        let sink = try HTTPSink()
        defer { sink.stop() }
        let result = try await forecastDrivenLoad(log: log, target: .loopback(port: sink.port), seconds: 2)
        #expect(result.requests > 0)
        #expect(result.errors.total == 0)
        #expect(result.routes.contains { $0.requests > 0 && $0.name.hasPrefix("/") })
        #expect(sink.requestsAnswered == result.requests)
    }

    @Test("the README shows exactly the example that this file compiles")
    func readmeMatches() throws {
        let source = try String(contentsOf: URL(fileURLWithPath: #filePath), encoding: .utf8)
        let readme = try String(contentsOf: Self.readme, encoding: .utf8)
        let begin = try #require(source.range(of: "// BEGIN README EXAMPLE\n"))
        let end = try #require(source.range(of: "// END README EXAMPLE"))
        let example = String(source[begin.upperBound..<end.lowerBound])
        #expect(readme.contains("```swift\nimport Shadowcast\n\n" + example + "```"))
    }
}
