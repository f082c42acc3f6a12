import Foundation
import Testing
@testable import Shadowcast
@testable import shadowcast

@Suite("load's text report", .serialized)
struct LoadTextReportTests {
    @Test("the header names the requested duration, as wrk's; the requests line the time the run took")
    func headerNamesTheRequestedDuration() async throws {
        let sink = try HTTPSink()
        defer { sink.stop() }
        var load = EmissionConfiguration(target: .loopback(port: sink.port), model: .closed(pipeline: 1))
        load.connections = 2
        load.requestLimit = 40
        load.duration = .seconds(5)
        var batch = RequestBatch(routes: ["GET /"])
        batch.append(Array("GET / HTTP/1.1\r\nHost: t\r\n\r\n".utf8), route: 0)
        let result = try await Emitter.run(load, requests: batch)
        #expect(result.requests == 40)
        #expect(result.durationSeconds < 4, "the request limit ends the run early")
        let text = LoadTextReport.render(result, report: LoadReport(result: result, configuration: load),
                                         url: "http://127.0.0.1:\(sink.port)/", requestedSeconds: 5)
        #expect(text.hasPrefix("Running 5.00s test @ http://127.0.0.1:\(sink.port)/\n"))
        #expect(text.contains("  40 requests in \(String(format: "%.2fs", result.durationSeconds)), "))
    }
}
