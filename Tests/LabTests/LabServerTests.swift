import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
import TestSupport
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

    @Test func injectedFaultsAnswer500() async throws {
        let spec = try LabSpec.parse(yaml: """
            routes:
              - {name: broken, path: /broken, error_rate: 1, service_time: {distribution: constant, ms: 2}}
            """)
        let server = LabServer(spec: spec, configuration: .init(port: 0))
        let port = try await server.start()
        #expect(try await request("http://127.0.0.1:\(port)/broken").0 == 500)
        #expect(server.metricsText().contains("lab_requests_total{route=\"broken\",status=\"500\"} 1\n"))
        try await server.stop()
    }

    @Test func stopLetsRequestsInFlightFinish() async throws {
        let spec = try LabSpec.parse(yaml: """
            routes:
              - {name: slow, path: /slow, service_time: {distribution: constant, ms: 300}}
            """)
        let server = LabServer(spec: spec, configuration: .init(port: 0, drainTimeout: 3))
        let port = try await server.start()
        async let answer = request("http://127.0.0.1:\(port)/slow")
        // Stop only once the request holds a worker (however slow the machine is).
        let deadline = ContinuousClock.now + .seconds(5)
        while !server.metricsText().contains("lab_workers_busy 1\n") && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(5))
        }
        try await server.stop()
        #expect(try await answer.0 == 200)
        // Nothing listens any more.
        await #expect(throws: (any Error).self) { try await request("http://127.0.0.1:\(port)/slow") }
    }

    @Test func answers503PastTheQueueLimit() async throws {
        let spec = try LabSpec.parse(yaml: """
            instances: 1
            workers_per_instance: 1
            queue_limit: 1
            routes:
              - {name: slow, path: /slow, service_time: {distribution: constant, ms: 800}}
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

@Suite struct LabPipeliningTests {
    /// Two pipelined requests where the first is slower: answers still leave in request order.
    @Test func pipelinedResponsesKeepRequestOrder() async throws {
        let spec = try LabSpec.parse(yaml: """
            instances: 1
            workers_per_instance: 4
            routes:
              - {name: slow, path: /slow, service_time: {distribution: constant, ms: 150}, response_bytes: 5}
              - {name: fast, path: /fast, service_time: {distribution: constant, ms: 1}, response_bytes: 9}
            """)
        let server = LabServer(spec: spec, configuration: .init(port: 0))
        let port = try await server.start()
        let text = try await Task.detached { try LoopbackHTTP.exchange(port: port, "GET /slow HTTP/1.1\r\nHost: x\r\n\r\nGET /fast HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n") }.value
        try await server.stop()
        let lengths = text.components(separatedBy: "\r\n").filter { $0.lowercased().hasPrefix("content-length:") }
        #expect(lengths == ["Content-Length: 5", "Content-Length: 9"], "\(text)")
    }
}
