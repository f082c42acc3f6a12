import NIOHTTP1
import Testing
@testable import Shadow

@Suite("Mirroring: the secondary never changes what the client gets")
struct MirrorTests {
    /// Sends `count` GETs of `/cl/64` over `clients` concurrent keep-alive connections; returns
    /// each request's latency and fails the test on any non-200 or wrong body.
    static func load(port: Int, count: Int, clients: Int, onProgress: @Sendable @escaping (Int) async -> Void = { _ in }) async throws -> [Duration] {
        try await withThrowingTaskGroup(of: [Duration].self) { group in
            for client in 0..<clients {
                group.addTask {
                    try await TestClient.with(port: port) { session in
                        var latencies: [Duration] = []
                        let clock = ContinuousClock()
                        var index = client
                        while index < count {
                            let start = clock.now
                            let response = try await session.request(.GET, "/cl/64?n=\(index)")
                            latencies.append(clock.now - start)
                            #expect(response.status == 200)
                            #expect(response.body == TestServer.body(64))
                            await onProgress(index)
                            index += clients
                        }
                        return latencies
                    }
                }
            }
            var all: [Duration] = []
            for try await part in group { all += part }
            return all
        }
    }

    @Test("every sampled request reaches the secondary with the forwarded head and body")
    func mirrorsCopies() async throws {
        let primary = try await TestServer.start()
        let secondary = try await TestServer.start()
        defer { Task { await primary.stop(); await secondary.stop() } }
        let stats = try await withProxy(primary: primary, secondary: secondary) { proxy in
            try await TestClient.with(port: proxy.localAddress.port) { session in
                let body: [[UInt8]] = [Array(repeating: 1, count: 1000), Array(repeating: 2, count: 500)]
                let response = try await session.request(.POST, "/echo?a=1", headers: [("X-Custom", "v")], bodyParts: body)
                #expect(response.body == body.flatMap { $0 })
                _ = try await session.request(.GET, "/cl/5")
            }
            #expect(await eventually { secondary.requestCount == 2 })
            return try await proxy.stats()
        }
        let copies = secondary.requests
        #expect(copies.count == 2)
        #expect(copies.first?.method == .POST)
        #expect(copies.first?.uri == "/echo?a=1")
        #expect(copies.first?.bodyBytes == 1500)
        #expect(copies.first?.headers["X-Custom"] == ["v"])
        #expect(copies.first?.headers["X-Forwarded-For"] == ["127.0.0.1"])
        #expect(stats.mirrorSampled == 2)
        #expect(stats.mirrorCompleted == 2)
        #expect(stats.secondaryLatencyMicros.totalCount == 2)
    }

    @Test("secondary killed mid-run: zero client-visible errors, drops counted")
    func secondaryKilled() async throws {
        let primary = try await TestServer.start()
        let secondary = try await TestServer.start()
        defer { Task { await primary.stop() } }
        let total = 300
        let stats = try await withProxy(primary: primary, secondary: secondary) { proxy in
            let killed = KillSwitch(server: secondary, at: total / 3)
            let latencies = try await Self.load(port: proxy.localAddress.port, count: total, clients: 4) { index in
                await killed.progress(index)
            }
            #expect(latencies.count == total)
            #expect(await killed.done)
            #expect(try await eventually { let s = try await proxy.stats(); return s.mirrorCompleted + s.mirrorDropped == s.mirrorSampled })
            return try await proxy.stats()
        }
        #expect(stats.primaryResponses == total)
        #expect(stats.primaryFailures == 0)
        #expect(stats.mirrorSampled == total)
        #expect(stats.mirrorCompleted > 0 && stats.mirrorCompleted < total)
        #expect((stats.mirrorDrops[.connectFailed] ?? 0) + (stats.mirrorDrops[.reset] ?? 0) > 0)
        #expect(stats.mirrorCompleted + stats.mirrorDropped == total)
    }

    @Test("secondary hanging: client p99 stays within a bound of the healthy-secondary p99; queue drops counted")
    func secondaryHanging() async throws {
        let primary = try await TestServer.start()
        let healthy = try await TestServer.start()
        let hanging = try await TestServer.start(.hang)
        defer { Task { await primary.stop(); await healthy.stop(); await hanging.stop() } }
        let count = 200
        func configure(_ configuration: inout ShadowConfiguration) {
            configuration.mirrorConnectionsPerLoop = 4
            configuration.mirrorQueueCapacityPerLoop = 16
            // Longer than the test: no copy times out, so no connection is replaced.
            configuration.mirrorTimeout = .seconds(60)
        }
        // Baseline and hanging run interleaved in one test, same load, same machine state.
        let baseline = try await withProxy(primary: primary, secondary: healthy, configure: configure) { proxy in
            try await Self.load(port: proxy.localAddress.port, count: count, clients: 4)
        }
        let (hung, stats) = try await withProxy(primary: primary, secondary: hanging, configure: configure) { proxy in
            (try await Self.load(port: proxy.localAddress.port, count: count, clients: 4), try await proxy.stats())
        }
        let baselineP99 = percentile(baseline, 99)
        let hungP99 = percentile(hung, 99)
        // Generous: a mirror that blocked the primary path would cost the 60 s mirror timeout.
        #expect(hungP99 <= baselineP99 * 10 + .milliseconds(50), "p99 with hanging secondary \(hungP99) vs healthy \(baselineP99)")
        #expect(percentile(hung, 100) < .seconds(10))
        #expect(stats.primaryFailures == 0)
        #expect((stats.mirrorDrops[.queueFull] ?? 0) > 0)
        #expect(stats.mirrorCompleted == 0)
        // At most connections × loops copies reached the hanging secondary.
        #expect(hanging.requestCount <= 4 * 2)
    }

    @Test("hanging secondary: in-flight copies time out and are counted")
    func mirrorTimeout() async throws {
        let primary = try await TestServer.start()
        let hanging = try await TestServer.start(.hang)
        defer { Task { await primary.stop(); await hanging.stop() } }
        let stats = try await withProxy(primary: primary, secondary: hanging, configure: {
            $0.mirrorTimeout = .milliseconds(100)
            $0.eventLoops = 1
        }) { proxy in
            try await TestClient.with(port: proxy.localAddress.port) { session in
                for _ in 0..<3 {
                    let response = try await session.request(.GET, "/cl/1")
                    #expect(response.status == 200)
                }
            }
            #expect(try await eventually { (try await proxy.stats().mirrorDrops[.timeout] ?? 0) == 3 })
            return try await proxy.stats()
        }
        #expect(stats.mirrorDrops[.timeout] == 3)
    }

    @Test("mirror percentage honoured within tolerance, deterministically by seed")
    func mirrorPercentage() async throws {
        let primary = try await TestServer.start()
        let secondary = try await TestServer.start()
        defer { Task { await primary.stop(); await secondary.stop() } }
        let total = 1000
        let stats = try await withProxy(primary: primary, secondary: secondary, configure: { $0.mirrorPercent = 30 }) { proxy in
            _ = try await Self.load(port: proxy.localAddress.port, count: total, clients: 4)
            #expect(try await eventually { let s = try await proxy.stats(); return s.mirrorCompleted + s.mirrorDropped == s.mirrorSampled })
            return try await proxy.stats()
        }
        let share = Double(secondary.requestCount) / Double(total)
        // Binomial sd at n = 1000, p = 0.3 is ≈ 1.45 %; allow 5 % (3.4 sd).
        #expect(abs(share - 0.30) < 0.05, "mirrored share \(share)")
        #expect(stats.mirrorSampled == secondary.requestCount)
        #expect(stats.mirrorDropped == 0)
    }

    @Test("secondary that is down from the start: no client errors, connect failures counted")
    func secondaryDown() async throws {
        let primary = try await TestServer.start()
        let dead = try await TestServer.start()
        await dead.stop()
        defer { Task { await primary.stop() } }
        let stats = try await withProxy(primary: primary, secondary: dead) { proxy in
            _ = try await Self.load(port: proxy.localAddress.port, count: 200, clients: 2)
            return try await proxy.stats()
        }
        #expect(stats.primaryResponses == 200)
        #expect(stats.mirrorDrops[.connectFailed] == 200)
    }
}

/// Stops a server once the load passes a given request index.
actor KillSwitch {
    let server: TestServer
    let at: Int
    private(set) var done = false

    init(server: TestServer, at: Int) {
        self.server = server
        self.at = at
    }

    func progress(_ index: Int) async {
        guard !done, index >= at else { return }
        done = true
        await server.stop()
    }
}
