import Histogram

/// Everything a finished run measured. Latencies are HDR histograms in **microseconds**.
public struct EmissionResult: Sendable {
    /// Results of one route (`RequestBatch.routes`).
    public struct Route: Sendable {
        /// The route's name (e.g. `GET /users/{id}`).
        public var name: String
        /// Responses received.
        public var requests: UInt64
        /// Requests of this route sent later than the late threshold.
        public var late: UInt64
        /// Failed requests by kind.
        public var errors: EmissionErrorCounts
        /// Latency from the intended send time (free of coordinated omission), µs.
        public var latency: Histogram<UInt64>
        /// Latency from the actual send, µs.
        public var serviceTime: Histogram<UInt64>
    }

    /// The backend that ran (`.uring` or `.epoll`, never `.auto`).
    public var backend: EmissionConfiguration.Backend
    /// Requests sent.
    public var sent: UInt64
    /// Responses received (any status).
    public var requests: UInt64
    /// Requests sent with a reset/abandon fault flag (no response expected).
    public var faulted: UInt64
    /// Requests sent later than the late threshold (open models).
    public var late: UInt64
    /// Failed requests by kind.
    public var errors: EmissionErrorCounts
    /// Responses by status class: index 1...5 for 1xx...5xx, 0 for anything else.
    public var statusClasses: [UInt64]
    /// The send window in seconds (start to the moment sending stopped).
    public var durationSeconds: Double
    /// Bytes written and read.
    public var bytesSent: UInt64
    public var bytesReceived: UInt64
    /// Connections established.
    public var connections: UInt64
    /// Time spent opening the initial connections before the clock started, in seconds. Send
    /// times, the duration and latencies all count from the end of this warm-up.
    public var warmupSeconds: Double
    /// Initial connections that were open when the clock started (fewer than configured means
    /// the target refused or did not answer within the connect timeout).
    public var connectedAtStart: UInt64
    /// Latency from the intended send time, µs (all routes).
    public var latency: Histogram<UInt64>
    /// Latency from the actual send, µs (all routes).
    public var serviceTime: Histogram<UInt64>
    /// Actual send time minus intended send time, µs.
    public var sendLateness: Histogram<UInt64>
    /// Per-route results, indexed like the route names.
    public var routes: [Route]
    /// The live snapshots, in order.
    public var perSecond: [EmissionSnapshot]
    /// Set when the schedule producer threw; the run then ended early.
    public var scheduleError: String?
    /// The send warm-up (`EmissionConfiguration.warmup`) before the measured run: its requests
    /// are in none of the fields above. `nil` when the run had none.
    public var sendWarmup: EmissionWarmup?
    /// The TCP congestion control the kernel applied to the connections (read back from the
    /// first one that opened); nil when none opened.
    public var tcpCongestion: String?

    /// Responses per second over the send window.
    public var achievedRate: Double { durationSeconds > 0 ? Double(requests) / durationSeconds : 0 }
    /// Failed requests over all requests that ended (responses + errors).
    public var errorRate: Double {
        let ended = requests + errors.total
        return ended > 0 ? Double(errors.total) / Double(ended) : 0
    }
    /// Responses with a status outside 2xx/3xx.
    public var non2xx3xx: UInt64 { statusClasses.enumerated().filter { $0.offset != 2 && $0.offset != 3 }.reduce(0) { $0 + $1.element } }
}

extension Histogram where Count == UInt64 {
    /// An empty microsecond histogram as the emitter records them (1 µs ... 1 h, 3 digits).
    public static func microseconds() -> Histogram<UInt64> {
        Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
    }
}
