import Foundation
import Testing
@testable import Shadowcast

@Suite("Profile forecasting glue")
struct ProfileForecastingTests {
    /// A profile of a small sample week at one-hour steps.
    static func sampleProfile() throws -> RequestProfile {
        let generator = SampleTrafficGenerator(configuration: SampleTrafficConfiguration(seed: 5, sessionsPerSecond: 0.02, flashSale: nil))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("shadowcast-forecasting-\(UUID().uuidString).log").path
        try generator.writeCombinedLog(to: path)
        defer { try? FileManager.default.removeItem(atPath: path) }
        var configuration = ProfilerConfiguration()
        configuration.stepSeconds = 3_600
        var builder = ProfileBuilder(configuration: configuration)
        _ = try builder.ingest(try LogSource(path: path), format: .combined)
        return builder.profile()
    }

    @Test("the forecast lands in the profile with its backtest and an hour-of-day route mix")
    func attachesForecast() throws {
        var profile = try Self.sampleProfile()
        #expect(profile.forecast == nil)
        var configuration = ForecastConfiguration()
        configuration.useLSTM = false  // the LSTM has its own tests; this checks the glue
        let result = try profile.attachForecast(horizonSeconds: 24 * 3_600, configuration: configuration).result
        let forecast = try #require(profile.forecast)
        #expect(forecast.values.count == 24)
        #expect(forecast.values.allSatisfy { $0.count == forecast.quantiles.count })
        #expect(forecast.model == result.model)
        #expect(forecast.stepSeconds == 3_600)
        #expect(try #require(forecast.backtest).candidates.count >= 2)

        // The history starts at a day boundary and covers whole days, so step h is hour h (UTC).
        let median = forecast.quantiles.firstIndex(of: 0.5) ?? 1
        #expect(forecast.values[20][median] > 2 * forecast.values[4][median])

        let shares = try #require(forecast.routeShares)
        #expect(!shares.isEmpty)
        for step in 0..<24 {
            let sum = shares.reduce(0) { $0 + $1.shares[step] }
            #expect(sum > 0.5 && sum <= 1 + 1e-9)
        }
        // Round trip through the profile's JSON keeps the forecast.
        let decoded = try RequestProfile.decode(from: profile.encoded())
        #expect(decoded.forecast == profile.forecast)
    }

    @Test("a profile without history is refused with a clear error")
    func emptyHistory() throws {
        var profile = try Self.sampleProfile()
        profile.history.total = []
        #expect(throws: ForecastError.noSeries) { try profile.attachForecast(horizonSeconds: 3_600) }
    }
}
