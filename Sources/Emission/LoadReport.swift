import Histogram

/// The JSON report of `shadowcast load` and of each `shadowcast bench` step. Key names are fixed
/// (other tools read these files): `requests`, `duration_s`, `rps`, `errors` (by kind), `late`,
/// `latency_ms` {p50 p90 p99 p999 max mean}, `histogram_us` ([value_us, count] HDR buckets), and
/// `routes` keyed by route name with the same fields.
public struct LoadReport: Sendable, Codable, Equatable {
    /// Results of one route, same fields as the total.
    public struct RouteReport: Sendable, Codable, Equatable {
        public var requests: UInt64
        public var duration_s: Double
        public var rps: Double
        public var errors: [String: UInt64]
        public var late: UInt64
        public var latency_ms: LatencySummary
        public var service_ms: LatencySummary
        public var histogram_us: [[UInt64]]
    }

    /// One live snapshot.
    public struct SecondReport: Sendable, Codable, Equatable {
        public var t_s: Double
        public var rps: Double
        public var sent: UInt64
        public var errors: UInt64
        public var mean_latency_ms: Double
        /// Requests of this interval sent later than the late threshold (absent in older files):
        /// shows when in the run lateness happened.
        public var late: UInt64?
        /// Runs with a send warm-up only: warm-up requests sent and sent late in this interval
        /// (rows taken during the warm-up have t_s 0 and only these counts).
        public var warmup_sent: UInt64?
        public var warmup_late: UInt64?
    }

    public var target: String
    public var backend: String
    /// `closed`, `rate` or `schedule`.
    public var model: String
    public var target_rps: Double?
    public var pipeline: Int?
    public var connections: Int
    /// Initial connections open when the clock started (absent in files from older versions).
    public var connected_at_start: UInt64?
    /// Time spent opening them before the clock started, ms (absent in older files).
    public var warmup_ms: Double?
    public var threads: Int
    public var requests: UInt64
    public var sent: UInt64
    public var duration_s: Double
    public var rps: Double
    public var errors: [String: UInt64]
    public var error_rate: Double
    public var late: UInt64
    public var faulted: UInt64
    public var status: [String: UInt64]
    /// Latency from the intended send time (coordinated-omission free).
    public var latency_ms: LatencySummary
    /// Latency from the actual send.
    public var service_ms: LatencySummary
    /// Actual minus intended send time.
    public var send_lateness_ms: LatencySummary
    public var histogram_us: [[UInt64]]
    public var routes: [String: RouteReport]
    public var per_second: [SecondReport]
    public var bytes_sent: UInt64
    public var bytes_received: UInt64
    /// The send warm-up before the measured run (`--warmup`): its requests are in none of the
    /// other fields (absent when the run had none).
    public var warmup: EmissionWarmup?
    /// TCP congestion control in effect on the connections, read back from the kernel (absent
    /// when no connection opened).
    public var tcp_congestion: String?

    /// Builds the report of a finished run.
    public init(result: EmissionResult, configuration: EmissionConfiguration) {
        func errorObject(_ errors: EmissionErrorCounts) -> [String: UInt64] {
            Dictionary(uniqueKeysWithValues: errors.byKind.map { ($0.kind, $0.count) })
        }
        target = configuration.target.description
        backend = result.backend.rawValue
        switch configuration.model {
        case .closed(let depth): model = "closed"; pipeline = depth; target_rps = nil
        case .constantRate(let rate): model = "rate"; target_rps = rate; pipeline = nil
        case .schedule: model = "schedule"; target_rps = nil; pipeline = nil
        case .closedStream(let depth): model = "closed"; pipeline = depth; target_rps = nil
        }
        connections = configuration.connections
        connected_at_start = result.connectedAtStart
        warmup_ms = result.warmupSeconds * 1000
        threads = configuration.threads
        requests = result.requests
        sent = result.sent
        duration_s = result.durationSeconds
        rps = result.achievedRate
        errors = errorObject(result.errors)
        error_rate = result.errorRate
        late = result.late
        faulted = result.faulted
        var status: [String: UInt64] = [:]
        for (index, count) in result.statusClasses.enumerated() where count > 0 {
            status[index == 0 ? "other" : "\(index)xx"] = count
        }
        self.status = status
        latency_ms = LatencySummary(microseconds: result.latency)
        service_ms = LatencySummary(microseconds: result.serviceTime)
        send_lateness_ms = LatencySummary(microseconds: result.sendLateness)
        histogram_us = result.latency.bucketPairs
        var routes: [String: RouteReport] = [:]
        for route in result.routes {
            routes[route.name] = RouteReport(
                requests: route.requests, duration_s: result.durationSeconds,
                rps: result.durationSeconds > 0 ? Double(route.requests) / result.durationSeconds : 0,
                errors: errorObject(route.errors), late: route.late,
                latency_ms: LatencySummary(microseconds: route.latency),
                service_ms: LatencySummary(microseconds: route.serviceTime),
                histogram_us: route.latency.bucketPairs)
        }
        self.routes = routes
        var lateBefore: UInt64 = 0, warmupSentBefore: UInt64 = 0, warmupLateBefore: UInt64 = 0
        let hasWarmup = result.sendWarmup != nil
        per_second = result.perSecond.map { snapshot in
            let warmupSent = snapshot.warmupSent ?? 0, warmupLate = snapshot.warmupLate ?? 0
            defer { lateBefore = snapshot.late; warmupSentBefore = warmupSent; warmupLateBefore = warmupLate }
            return SecondReport(t_s: snapshot.elapsedSeconds, rps: snapshot.intervalRate, sent: snapshot.intervalSent,
                                errors: snapshot.intervalErrors, mean_latency_ms: snapshot.intervalMeanLatencyMicros / 1000,
                                late: snapshot.late &- lateBefore,
                                warmup_sent: hasWarmup ? warmupSent &- warmupSentBefore : nil,
                                warmup_late: hasWarmup ? warmupLate &- warmupLateBefore : nil)
        }
        bytes_sent = result.bytesSent
        bytes_received = result.bytesReceived
        warmup = result.sendWarmup
        tcp_congestion = result.tcpCongestion
    }
}
