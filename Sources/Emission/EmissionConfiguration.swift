/// How the emitter sends a run: where, how fast, over how many connections and threads, and for
/// how long. A value type; validate it with `validate()` (the run API validates too).
///
/// ```swift
/// var configuration = EmissionConfiguration(target: .loopback(port: 8080), model: .closed(pipeline: 1))
/// configuration.duration = .seconds(10)
/// let result = try await Emitter.run(configuration, requests: batch)
/// ```
public struct EmissionConfiguration: Sendable, Equatable {
    /// The workload model.
    public enum Model: Sendable, Equatable {
        /// Closed model (wrk): every connection keeps `pipeline` requests outstanding and sends the
        /// next ones as soon as the previous ones are answered. Maximum rate.
        case closed(pipeline: Int)
        /// Open model at a constant rate (requests per second): a request is sent at its
        /// intended time whether or not earlier ones were answered (wrk2).
        case constantRate(Double)
        /// Open model driven by the intended send times (`RequestBatch.Entry.sendAtNanos`) of a
        /// stream of batches (see `Emitter.start(_:schedule:routes:)`).
        case schedule
        /// Closed model over a stream of batches (see `Emitter.start(_:schedule:routes:)`): every
        /// connection sends the stream's next `pipeline` requests, in stream order, as soon as the
        /// previous ones are answered. The entries' send times are ignored (nothing is late);
        /// latency counts from the actual send. The run ends at `duration`, `requestLimit` or the
        /// end of the stream, whichever comes first.
        case closedStream(pipeline: Int)

        /// Whether the model takes a stream of batches (`.schedule`, `.closedStream`) rather
        /// than one batch cycled.
        public var isStreamed: Bool {
            switch self {
            case .schedule, .closedStream: true
            case .closed, .constantRate: false
            }
        }
    }

    /// A worker's busy poll: how long it polls for completions without sleeping before it
    /// blocks in the kernel.
    public enum BusyPoll: Sendable, Equatable {
        /// Adapts to the worker's core (the default): polls up to 1 ms while the worker has its
        /// core to itself and those polls end with a completion (no wake-ups to pay), and 50 µs
        /// as soon as it waits for its core behind other threads (≥ 100 µs of run-queue wait in
        /// a 1 ms tick), for a hold that doubles while that goes on: on a shared core a thread
        /// that spins uses up its time slice, one that sleeps is run at once when woken. Long
        /// polls that mostly run out (a slow target) fall back to 50 µs too.
        case adaptive
        /// Always polls up to this long (more than zero, at most 1 s).
        case fixed(Duration)
        /// Never polls: the worker sleeps in the kernel until a completion or a due send.
        case off
    }

    /// The I/O backend of the engine.
    public enum Backend: String, Sendable, CaseIterable, Codable {
        /// io_uring when the kernel allows it, epoll otherwise.
        case auto
        /// io_uring only (fails when the kernel refuses it).
        case uring
        /// epoll.
        case epoll
    }

    /// Where the requests go.
    public var target: EmissionTarget
    /// Closed, constant rate or schedule.
    public var model: Model
    /// Closed models: the number of connections. Open models: the connections opened at start.
    public var connections: Int = 64
    /// Open models: the number of connections the engine may open when none is free.
    public var maxConnections: Int = 1024
    /// Worker threads, each with its own ring (or epoll set) and connections.
    public var threads: Int = 1
    /// Send window. `nil`: until the request limit or the schedule stream is exhausted.
    public var duration: Duration? = .seconds(10)
    /// Stop after sending this many requests (`nil`: no limit).
    public var requestLimit: Int?
    /// A connection not established within this time counts as a timeout error.
    public var connectTimeout: Duration = .seconds(2)
    /// A request not answered within this time after its send counts as a timeout error (the
    /// connection is recycled); an open-model request that cannot be sent within this time of its
    /// intended time is dropped and counted as a timeout as well.
    public var requestTimeout: Duration = .seconds(2)
    /// A request sent later than this after its intended time counts as late.
    public var lateThreshold: Duration = .milliseconds(1)
    /// After the send window, how long to wait for outstanding responses (they are timeouts after).
    public var drain: Duration = .seconds(1)
    /// io_uring, epoll, or automatic choice.
    public var backend: Backend = .auto
    /// A response whose status line and headers exceed this many bytes is a parse error.
    public var maxHeaderBytes: Int = 8192
    /// Streamed models: batches buffered ahead of the engine (backpressure on the producer).
    public var scheduleQueueDepth: Int = 8
    /// Interval of the live snapshots.
    public var snapshotInterval: Duration = .seconds(1)
    /// TCP congestion control set on every connection (`TCP_CONGESTION`, e.g. `"reno"`, which
    /// costs less per segment than BBR on loopback). `nil`: the system default.
    public var tcpCongestion: String?
    /// Open models only: send for this long before the measured run starts; those requests are
    /// reported apart (`EmissionResult.sendWarmup`). `nil`: none. The constant-rate model sends at
    /// its target rate; the schedule model sends the stream's entries with negative
    /// `sendAtNanos` (in `[-warmup, 0)`, e.g. `SynthesizedSchedule`'s warm-up) before its clock.
    public var warmup: Duration?
    /// How long a worker polls without sleeping before it blocks: while responses are
    /// outstanding, and when the next send is due within it. A sleeping worker pays a wake-up
    /// per round trip (on a VM whose idle vCPUs halt, a VM exit each); a polling one burns CPU.
    public var busyPoll: BusyPoll = .adaptive

    /// Creates a configuration with the defaults above.
    public init(target: EmissionTarget, model: Model = .closed(pipeline: 1)) {
        self.target = target
        self.model = model
    }

    /// Checks the fields against each other; throws `EmissionError.invalidConfiguration`.
    public func validate() throws(EmissionError) {
        func fail(_ message: String) -> EmissionError { .invalidConfiguration(message) }
        switch model {
        case .closed(let pipeline), .closedStream(let pipeline):
            guard (1...1024).contains(pipeline) else { throw fail("pipeline must be 1...1024, got \(pipeline)") }
            guard connections >= 1 else { throw fail("closed model needs at least one connection") }
        case .constantRate(let rate):
            guard rate.isFinite, rate > 0 else { throw fail("rate must be a positive number of requests per second, got \(rate)") }
        case .schedule:
            break
        }
        guard connections >= 0, connections <= 1_000_000 else { throw fail("connections must be 0...1000000, got \(connections)") }
        guard maxConnections >= 1, maxConnections <= 1_000_000 else { throw fail("maxConnections must be 1...1000000, got \(maxConnections)") }
        guard (1...256).contains(threads) else { throw fail("threads must be 1...256, got \(threads)") }
        if let duration, duration <= .zero { throw fail("duration must be positive") }
        if let requestLimit, requestLimit < 1 { throw fail("requestLimit must be at least 1") }
        if duration == nil, requestLimit == nil, !model.isStreamed {
            throw fail("a run needs a duration or a request limit")
        }
        guard connectTimeout > .zero, requestTimeout > .zero else { throw fail("timeouts must be positive") }
        guard lateThreshold >= .zero, drain >= .zero else { throw fail("lateThreshold and drain must not be negative") }
        guard maxHeaderBytes >= 64 else { throw fail("maxHeaderBytes must be at least 64") }
        guard scheduleQueueDepth >= 1 else { throw fail("scheduleQueueDepth must be at least 1") }
        guard snapshotInterval > .zero else { throw fail("snapshotInterval must be positive") }
        if let tcpCongestion, tcpCongestion.isEmpty || tcpCongestion.utf8.count > 15 || tcpCongestion.contains("\0") {
            throw fail("tcpCongestion must be a name of 1...15 bytes, got '\(tcpCongestion)'")
        }
        if let warmup {
            switch model {
            case .constantRate, .schedule: break
            case .closed, .closedStream: throw fail("warmup applies to the open models (constant rate, schedule) only")
            }
            guard warmup >= .zero else { throw fail("warmup must not be negative") }
        }
        if case .fixed(let budget) = busyPoll, budget <= .zero || budget > .seconds(1) {
            throw fail("busyPoll .fixed must be more than 0 and at most 1 s (.off polls never), got \(budget)")
        }
    }
}

extension Duration {
    /// Whole nanoseconds (saturating).
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (ns, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? .max : ns &+ attoseconds / 1_000_000_000
    }

    /// Seconds as a floating-point number.
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
