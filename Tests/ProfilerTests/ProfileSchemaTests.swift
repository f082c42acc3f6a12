import Foundation
import Testing
@testable import Profiler

@Suite("RequestProfile schema")
struct ProfileSchemaTests {
    static func sample() -> RequestProfile {
        let summary = QuantileSummary(count: 3, min: 10, max: 30, mean: 20, probabilities: [0, 0.5, 1], values: [10, 20, 30])
        let values = ValueModel(count: 3, top: [WeightedValue(value: "7", weight: 2.0 / 3, count: 2)], topWeight: 2.0 / 3,
                                distinctEstimate: 2, zipfExponent: 1.1, withheld: 0, minLength: 1, maxLength: 2)
        let route = RouteProfile(
            route: "/users/{id}", count: 3, share: 1, methods: [WeightedValue(value: "GET", weight: 1, count: 3)],
            statuses: [WeightedValue(value: "200", weight: 1, count: 3)], requestBytes: nil, responseBytes: summary,
            latencySeconds: nil, queryKeys: [QueryKeyProfile(key: "token", frequency: 1, credential: true, values: nil)],
            parameters: [ParameterModel(name: "id", segment: 1, kind: "integer", values: values)], contentType: nil, examples: ["/users/7"])
        return RequestProfile(
            provenance: Provenance(
                sources: [.init(name: "-", format: "combined", gzip: false, bytes: 100, lines: 4, parsed: 3, skipped: 1,
                                skipReasons: [WeightedValue(value: "bad timestamp", weight: 1, count: 1)],
                                firstSkipped: [.init(line: 2, byteOffset: 40, reason: "bad timestamp")])],
                totalLines: 4, parsedLines: 3, skippedLines: 1, lateRecords: 0, reorderWindowSeconds: 60,
                start: "2015-05-17T10:05:03Z", end: "2015-05-17T10:06:03Z",
                redaction: .init(clients: "hash", droppedHeaders: ["authorization"], redactedQueryKeys: ["token"], withheldSecretLikeValues: 0),
                generatedAt: "2026-11-29T05:00:00Z", generator: "test"),
            stepSeconds: 60,
            history: HistorySeries(start: "2015-05-17T10:05:00Z", startEpochSeconds: 1_431_857_100, stepSeconds: 60,
                                   total: [2, 1], routes: [.init(route: "/users/{id}", counts: [2, 1])], other: [0, 0], approximate: false),
            forecast: ForecastSection(model: "seasonal-naive", stepSeconds: 60, start: "2015-05-17T10:07:00Z",
                                      quantiles: [0.1, 0.5, 0.9], values: [[1, 2, 3]], routeShares: nil,
                                      backtest: .init(horizonSteps: 1, folds: 1, metrics: [.init(name: "mase", value: 0.9)], candidates: [])),
            totals: Totals(requests: 3, distinctRoutes: 1, distinctPaths: 2, distinctPathsCapped: false, distinctUserAgents: 1,
                           distinctClients: 1, meanRatePerSecond: 0.05, peakPerStep: 2),
            routes: [route], other: nil, methods: [WeightedValue(value: "GET", weight: 1, count: 3)],
            statusClasses: [WeightedValue(value: "2xx", weight: 1, count: 3)],
            userAgents: UserAgentDistribution(families: [WeightedValue(value: "bot", weight: 1, count: 3)],
                                              top: [.init(agent: "curl/8.0", family: "cli", weight: 1, count: 3)], otherWeight: 0),
            geo: GeoDistribution(source: "none", countries: [], unknownWeight: 1),
            timeMix: TimeMix(hourOfDay: Array(repeating: 1.0 / 24, count: 24), dayOfWeek: Array(repeating: 1.0 / 7, count: 7),
                             dayHour: Array(repeating: 1.0 / 168, count: 168)),
            sessions: SessionModel(key: "client+agent", inactivityGapSeconds: 1800, sessions: 1, startRatePerSecond: 0.01,
                                   startsPerStep: [1, 0], requestsPerSession: summary, thinkTimeSeconds: summary, durationSeconds: summary,
                                   entry: [WeightedValue(value: "/users/{id}", weight: 1, count: 1)],
                                   transitions: [.init(from: "/users/{id}", count: 3, next: [WeightedValue(value: "/users/{id}", weight: 2.0 / 3, count: 2)], exit: 1.0 / 3)]))
    }

    @Test("a profile survives encode → decode unchanged")
    func roundTrip() throws {
        let profile = Self.sample()
        let data = try profile.encoded()
        #expect(try RequestProfile.decode(from: data) == profile)
        let json = try #require(String(data: data, encoding: .utf8))
        #expect(json.contains("\"format\" : \"shadowcast.request-profile\""))
        #expect(json.contains("\"version\" : 1"))
    }

    @Test("a newer schema version is refused with a clear message")
    func newerVersionRefused() throws {
        var object = try #require(JSONSerialization.jsonObject(with: try Self.sample().encoded()) as? [String: Any])
        object["version"] = RequestProfile.currentVersion + 1
        let data = try JSONSerialization.data(withJSONObject: object)
        #expect(throws: ProfileSchemaError.unsupportedVersion(found: 2, supported: 1)) { try RequestProfile.decode(from: data) }
        #expect(ProfileSchemaError.unsupportedVersion(found: 2, supported: 1).description.contains("newer than this Shadowcast supports"))
    }

    @Test("a file that cannot be read is an error naming it and the reason, not a Foundation dump")
    func unreadableFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("no-such-profile-\(UUID().uuidString).json").path
        do {
            _ = try RequestProfile.load(from: URL(fileURLWithPath: path))
            Issue.record("loading a missing file succeeded")
        } catch let error as ProfileSchemaError {
            guard case let .unreadable(reportedPath, reason) = error else { Issue.record("wrong error \(error)"); return }
            #expect(reportedPath == path)
            #expect(!reason.isEmpty && !reason.contains("NSCocoaErrorDomain"))
            #expect(error.description.hasPrefix("cannot read the file: "))
        }
    }

    @Test("other documents and missing fields are refused with what is wrong")
    func otherDocumentsRefused() throws {
        #expect(throws: ProfileSchemaError.notAProfile(found: "something")) {
            try RequestProfile.decode(from: Data(#"{"format":"something","version":1}"#.utf8))
        }
        do {
            _ = try RequestProfile.decode(from: Data(#"{"format":"shadowcast.request-profile","version":1}"#.utf8))
            Issue.record("expected an error")
        } catch let error as ProfileSchemaError {
            #expect(error.description.contains("missing"))
        }
    }
}
