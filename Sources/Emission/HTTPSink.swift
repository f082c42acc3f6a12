import CEmit

/// The built-in HTTP/1.1 sink: answers every request with a fixed `200 OK` (pipelining-safe),
/// on its own threads (io_uring, epoll fallback). For benchmarks and tests of the emitter.
///
/// `@unchecked Sendable`: the pointer is immutable; `cemit_sink_counts` reads atomics and is safe
/// from any thread; `cemit_sink_stop` runs exactly once (guarded by a Mutex) or in `deinit`.
public final class HTTPSink: @unchecked Sendable {
    private let pointer: OpaquePointer
    private let stopped = Mutex(false)
    /// The bound port (the ephemeral one when started with port 0).
    public let port: UInt16
    /// The backend serving (`.uring` or `.epoll`).
    public let backend: EmissionConfiguration.Backend

    /// Starts serving on `host` (an IP literal, loopback by default) and `port` (0: ephemeral).
    /// `busyPoll`: after its last completion a sink thread keeps polling without sleeping for this
    /// long (0 ... 1 s; zero: it sleeps as soon as it is idle). For a sink on a core of its own.
    public init(host: String = "127.0.0.1", port: UInt16 = 0, threads: Int = 1,
                backend: EmissionConfiguration.Backend = .auto, bodyLength: Int = 0,
                tcpCongestion: String? = nil, busyPoll: Duration = .zero) throws(EmissionError) {
        guard (1...64).contains(threads) else { throw .invalidConfiguration("sink threads must be 1...64, got \(threads)") }
        guard busyPoll >= .zero, busyPoll <= .seconds(1) else { throw .invalidConfiguration("sink busy poll must be 0...1 s, got \(busyPoll)") }
        guard (0...1_000_000).contains(bodyLength) else { throw .invalidConfiguration("sink body length must be 0...1000000") }
        let address = try EmissionTarget(host: host, port: port).resolve()
        var cfg = cemit_sink_config()
        cemit_sink_config_defaults(&cfg)
        withUnsafeMutableBytes(of: &cfg.address) { raw in for i in 0..<16 { raw[i] = address.bytes[i] } }
        cfg.family = address.family
        cfg.port = port
        cfg.threads = UInt32(threads)
        cfg.body_length = UInt32(bodyLength)
        cfg.busy_poll_ns = busyPoll.nanoseconds
        if let name = tcpCongestion {
            try TCPCongestion.check(name)
            withUnsafeMutableBytes(of: &cfg.tcp_congestion) { copyCString(name, into: $0) }
        }
        switch backend {
        case .auto: cfg.backend = Int32(CEMIT_BACKEND_AUTO)
        case .uring: cfg.backend = Int32(CEMIT_BACKEND_URING)
        case .epoll: cfg.backend = Int32(CEMIT_BACKEND_EPOLL)
        }
        var sink: OpaquePointer?
        let rc = cemit_sink_start(&cfg, &sink)
        guard rc == 0, let sink else { throw .engine(operation: "sink start", code: rc) }
        self.pointer = sink
        self.port = cemit_sink_port(sink)
        self.backend = cemit_sink_backend(sink) == Int32(CEMIT_BACKEND_URING) ? .uring : .epoll
    }

    /// The TCP congestion control the kernel applied to the first accepted connection (e.g.
    /// `reno`); nil before any connection.
    public var tcpCongestionInEffect: String? {
        readCName { cemit_sink_tcp_congestion(pointer, $0, $1) }
    }

    /// Requests answered so far.
    public var requestsAnswered: UInt64 {
        var requests: UInt64 = 0
        cemit_sink_counts(pointer, &requests, nil)
        return requests
    }

    /// Connections accepted so far.
    public var connectionsAccepted: UInt64 {
        var connections: UInt64 = 0
        cemit_sink_counts(pointer, nil, &connections)
        return connections
    }

    /// Stops serving and frees the server (idempotent).
    public func stop() {
        let first = stopped.withLock { done -> Bool in
            defer { done = true }
            return !done
        }
        if first { cemit_sink_stop(pointer) }
    }

    deinit { stop() }
}

import Synchronization
