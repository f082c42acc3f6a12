import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
@testable import Lab

@Suite(.serialized) struct LabServerTests {
    func request(_ url: String, method: String = "GET") async throws -> (Int, String) {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = method
        request.timeoutInterval = 5
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? -1, String(decoding: data, as: UTF8.self))
    }

    @Test func servesRoutesMetricsAndAdmin() async throws {
        let server = LabServer(spec: .default, configuration: .init(port: 0))
        let port = try await server.start()
        let base = "http://127.0.0.1:\(port)"
        do {
            let (status, body) = try await request("\(base)/products/17")
            #expect(status == 200 && body.utf8.count == 2048)
            #expect(try await request("\(base)/nope").0 == 404)
            #expect(try await request("\(base)/checkout", method: "POST").0 == 200)

            let (scaled, answer) = try await request("\(base)/admin/instances?count=5", method: "POST")
            #expect(scaled == 200 && answer.contains("5"))
            #expect(server.instances == 5)
            #expect(try await request("\(base)/admin/instances?count=-1", method: "POST").0 == 400)

            let (_, metrics) = try await request("\(base)/metrics")
            #expect(metrics.contains("lab_requests_total{route=\"product\",status=\"200\"} 1\n"))
            #expect(metrics.contains("lab_requests_total{route=\"checkout\",status=\"200\"} 1\n"))
            #expect(metrics.contains("lab_instances 5\n"))
            #expect(metrics.contains("lab_request_duration_seconds_count{route=\"product\"} 1\n"))
            #expect(metrics.contains("# TYPE lab_utilization gauge"))
        }
        try await server.stop()
        #expect(server.port == nil)
    }

    @Test func answers503PastTheQueueLimit() async throws {
        let spec = try LabSpec.parse(yaml: """
            instances: 1
            workers_per_instance: 1
            queue_limit: 1
            routes:
              - {name: slow, path: /slow, service_time: {distribution: constant, ms: 300}}
            """)
        let server = LabServer(spec: spec, configuration: .init(port: 0))
        let port = try await server.start()
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<4 {
                group.addTask { try await self.request("http://127.0.0.1:\(port)/slow").0 }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(statuses.sorted() == [200, 200, 503, 503])
        try await server.stop()
    }
}
