import Testing
import Traffic
@testable import Emission

/// A congestion control this user may set that differs from the system default when there is
/// one (so the test shows the option changed something), else the default itself.
private let nonDefaultCongestion: String = {
    let system = TCPCongestion.systemDefault
    return TCPCongestion.allowed.first { $0 != system } ?? system ?? "reno"
}()

@Suite("Transport options: TCP congestion control and the send warm-up", .serialized)
struct TransportOptionTests {
    @Test("the congestion control asked for is the one the kernel applied, on the client and the sink", arguments: backends)
    func congestionApplied(backend: EmissionConfiguration.Backend) async throws {
        let sink = try HTTPSink(backend: backend, tcpCongestion: nonDefaultCongestion)
        defer { sink.stop() }
        var configuration = loopbackConfiguration(port: sink.port, model: .closed(pipeline: 1), backend: backend, connections: 2)
        configuration.requestLimit = 20
        configuration.tcpCongestion = nonDefaultCongestion
        let result = try await Emitter.run(configuration, requests: getBatch())
        #expect(result.requests == 20)
        #expect(result.tcpCongestion == nonDefaultCongestion)
        #expect(sink.tcpCongestionInEffect == nonDefaultCongestion)
        #expect(LoadReport(result: result, configuration: configuration).tcp_congestion == nonDefaultCongestion)
    }

    @Test("without the option the system default stays, on both sides", arguments: backends)
    func congestionDefault(backend: EmissionConfiguration.Backend) async throws {
        let sink = try HTTPSink(backend: backend)
        defer { sink.stop() }
        var configuration = loopbackConfiguration(port: sink.port, model: .closed(pipeline: 1), backend: backend, connections: 1)
        configuration.requestLimit = 5
        let result = try await Emitter.run(configuration, requests: getBatch())
        #expect(result.requests == 5)
        #expect(result.tcpCongestion == TCPCongestion.systemDefault)
        #expect(sink.tcpCongestionInEffect == TCPCongestion.systemDefault)
    }

    @Test("an unknown congestion control is refused with the available ones named")
    func congestionUnknown() async throws {
        #expect(throws: EmissionError.self) { try TCPCongestion.check("no-such-cc") }
        do {
            try TCPCongestion.check("no-such-cc")
        } catch {
            #expect(error.description.contains("no-such-cc") && error.description.contains("available"))
        }
        #expect(throws: EmissionError.self) { _ = try HTTPSink(tcpCongestion: "no-such-cc") }
        let sink = try HTTPSink()
        defer { sink.stop() }
        var configuration = loopbackConfiguration(port: sink.port, model: .closed(pipeline: 1), backend: .auto, connections: 1)
        configuration.requestLimit = 1
        configuration.tcpCongestion = "no-such-cc"
        await #expect(throws: EmissionError.self) { _ = try await Emitter.run(configuration, requests: getBatch()) }
        #expect(sink.requestsAnswered == 0)
    }

    @Test("busy polling on both sides answers every request, run after run on the same sink", arguments: backends)
    func busyPoll(backend: EmissionConfiguration.Backend) async throws {
        let sink = try HTTPSink(backend: backend, busyPoll: .milliseconds(1))
        defer { sink.stop() }
        var configuration = loopbackConfiguration(port: sink.port, model: .closed(pipeline: 1), backend: backend, connections: 8)
        configuration.requestLimit = 200
        configuration.busyPoll = .fixed(.milliseconds(1))
        for run in 1...3 { // new connections each run: the sink's closed ones must be gone, their slots reusable
            let result = try await Emitter.run(configuration, requests: getBatch())
            #expect(result.requests == 200)
            #expect(result.errors.total == 0)
            #expect(sink.requestsAnswered == UInt64(200 * run))
        }
        #expect(sink.connectionsAccepted == 24)
    }

    @Test("every busy-poll setting (adaptive, off, short and long fixed) answers exactly the requests asked for",
          arguments: backends, [EmissionConfiguration.BusyPoll.adaptive, .off, .fixed(.microseconds(50)), .fixed(.milliseconds(1))])
    func busyPollSettings(backend: EmissionConfiguration.Backend, busyPoll: EmissionConfiguration.BusyPoll) async throws {
        let sink = try HTTPSink(backend: backend)
        defer { sink.stop() }
        var configuration = loopbackConfiguration(port: sink.port, model: .closed(pipeline: 1), backend: backend, connections: 16)
        configuration.requestLimit = 3_000
        configuration.duration = nil
        configuration.busyPoll = busyPoll
        let result = try await Emitter.run(configuration, requests: getBatch())
        #expect(result.requests == 3_000)
        #expect(result.sent == 3_000)
        #expect(result.errors.total == 0)
        #expect(sink.requestsAnswered == 3_000)
    }

    @Test("the open model with the busy poll off sends and answers every request (it sleeps until each send)", arguments: backends)
    func busyPollOffOpenModel(backend: EmissionConfiguration.Backend) async throws {
        let sink = try HTTPSink(backend: backend)
        defer { sink.stop() }
        var configuration = loopbackConfiguration(port: sink.port, model: .constantRate(1000), backend: backend, connections: 4)
        configuration.requestLimit = 200
        configuration.duration = nil
        configuration.busyPoll = .off
        let result = try await Emitter.run(configuration, requests: getBatch())
        #expect(result.requests + result.errors.total == 200)
        #expect(sink.requestsAnswered == result.requests)
    }

    @Test("the default is adaptive; a fixed busy poll must be more than 0 and at most a second")
    func busyPollRange() throws {
        var configuration = EmissionConfiguration(target: .loopback(port: 1))
        #expect(configuration.busyPoll == .adaptive)
        configuration.busyPoll = .fixed(.seconds(2))
        #expect(throws: EmissionError.self) { try configuration.validate() }
        configuration.busyPoll = .fixed(.microseconds(-1))
        #expect(throws: EmissionError.self) { try configuration.validate() }
        configuration.busyPoll = .fixed(.zero)
        do {
            try configuration.validate()
            Issue.record("a fixed busy poll of 0 was accepted")
        } catch {
            #expect(error.description.contains(".off"), "\(error)")
        }
        for valid in [EmissionConfiguration.BusyPoll.adaptive, .off, .fixed(.nanoseconds(1)), .fixed(.seconds(1))] {
            configuration.busyPoll = valid
            try configuration.validate()
        }
        #expect(throws: EmissionError.self) { _ = try HTTPSink(busyPoll: .seconds(2)) }
    }

    @Test("warm-up requests go out at the rate but are reported apart from the run", arguments: backends)
    func warmupNotRecorded(backend: EmissionConfiguration.Backend) async throws {
        let sink = try HTTPSink(backend: backend)
        defer { sink.stop() }
        var configuration = loopbackConfiguration(port: sink.port, model: .constantRate(2000), backend: backend, connections: 4)
        configuration.warmup = .milliseconds(300)
        configuration.duration = .milliseconds(500)
        let result = try await Emitter.run(configuration, requests: getBatch())
        let warmup = try #require(result.sendWarmup)
        #expect(warmup.seconds == 0.3)
        // 2,000/s: 600 requests are intended in the 300 ms warm-up, 1,000 in the 500 ms run.
        #expect(warmup.sent <= 600 && warmup.sent + warmup.errors >= 600)
        #expect(result.sent <= 1000)
        #expect(result.requests + result.errors.total == 1000)
        #expect(result.latency.totalCount == result.requests)
        #expect(result.sendLateness.totalCount == result.sent)
        #expect(result.durationSeconds >= 0.49 && result.durationSeconds < 1.5)
        // Every answer the sink gave is either the run's or the warm-up's, nothing lost or double counted.
        #expect(sink.requestsAnswered == result.requests + warmup.completed)
        let report = LoadReport(result: result, configuration: configuration)
        #expect(report.warmup == warmup)
        // The per-interval view shows the warm-up's own counts, never mixed into the run's.
        let perSecondWarmup = report.per_second.compactMap(\.warmup_sent).reduce(0, +)
        #expect(perSecondWarmup <= warmup.sent)
        #expect(report.per_second.allSatisfy { $0.warmup_sent != nil })
        #expect(report.requests == result.requests)
    }

    @Test("a request limit counts the measured run only, not the warm-up", arguments: backends)
    func warmupOutsideRequestLimit(backend: EmissionConfiguration.Backend) async throws {
        let sink = try HTTPSink(backend: backend)
        defer { sink.stop() }
        var configuration = loopbackConfiguration(port: sink.port, model: .constantRate(2000), backend: backend, connections: 2)
        configuration.warmup = .milliseconds(100)
        configuration.duration = .seconds(5)
        configuration.requestLimit = 150
        let result = try await Emitter.run(configuration, requests: getBatch())
        let warmup = try #require(result.sendWarmup)
        #expect(warmup.sent + warmup.errors >= 200)
        #expect(result.sent + result.errors.timeout == 150)
        #expect(result.bytesSent == result.sent * UInt64(getBatch().arena.count))
        #expect(sink.requestsAnswered == result.requests + warmup.completed)
    }

    @Test("a warm-up is refused outside the constant-rate model")
    func warmupOnlyForRate() throws {
        var configuration = EmissionConfiguration(target: .loopback(port: 1), model: .closed(pipeline: 1))
        configuration.warmup = .seconds(1)
        #expect(throws: EmissionError.self) { try configuration.validate() }
        configuration.model = .constantRate(100)
        try configuration.validate()
        configuration.tcpCongestion = String(repeating: "x", count: 16)
        #expect(throws: EmissionError.self) { try configuration.validate() }
    }
}
