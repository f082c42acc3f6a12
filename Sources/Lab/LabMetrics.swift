import PrometheusFormat

/// The Lab's counters and their Prometheus text exposition.
///
/// A value type held under the server's lock; `exposition(pool:spec:)` renders it together with
/// the pool's gauges.
public struct LabMetrics: Sendable {
    /// Upper bounds (seconds) of the latency histogram's buckets.
    /// Fine enough (about 1.5× apart) that a live `compare` sees a 2× change as two buckets.
    public static let latencyBuckets: [Double] = [
        0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.03, 0.04, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3,
        0.4, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10,
    ]

    struct RouteCounters: Sendable {
        var byStatus: [Int: UInt64] = [:]
        var buckets = [UInt64](repeating: 0, count: LabMetrics.latencyBuckets.count)
        var latencySum = 0.0
        var latencyCount: UInt64 = 0
    }

    private var routes: [String: RouteCounters] = [:]
    /// Scale changes applied (admin endpoint or API).
    public private(set) var scaleEvents: UInt64 = 0

    /// Creates empty counters.
    public init() {}

    /// Counts one answered request (latency in seconds; rejected requests have latency 0).
    public mutating func record(route: String, status: Int, latency: Double) {
        var counters = routes[route] ?? RouteCounters()
        counters.byStatus[status, default: 0] += 1
        if status != 503 {
            if let index = Self.latencyBuckets.firstIndex(where: { latency <= $0 }) { counters.buckets[index] += 1 }
            counters.latencySum += latency
            counters.latencyCount += 1
        }
        routes[route] = counters
    }

    /// Counts a scale change.
    public mutating func recordScaleEvent() { scaleEvents += 1 }

    /// Requests counted for `route` with `status`.
    public func requests(route: String, status: Int) -> UInt64 { routes[route]?.byStatus[status] ?? 0 }

    /// Renders Prometheus text format (version 0.0.4).
    public func exposition(pool: InstancePool, spec: LabSpec) -> String {
        var out = ""
        out += "# HELP lab_requests_total Requests answered by the Lab, by route and status.\n"
        out += "# TYPE lab_requests_total counter\n"
        let names = routes.keys.sorted()
        for name in names {
            for (status, count) in routes[name]!.byStatus.sorted(by: { $0.key < $1.key }) {
                out += "lab_requests_total{route=\"\(PrometheusLabel.escape(name))\",status=\"\(status)\"} \(count)\n"
            }
        }
        out += "# HELP lab_request_duration_seconds Time from arrival to response of served requests.\n"
        out += "# TYPE lab_request_duration_seconds histogram\n"
        for name in names {
            let counters = routes[name]!
            let label = "route=\"\(PrometheusLabel.escape(name))\""
            var cumulative: UInt64 = 0
            for (index, bound) in Self.latencyBuckets.enumerated() {
                cumulative += counters.buckets[index]
                out += "lab_request_duration_seconds_bucket{\(label),le=\"\(Self.format(bound))\"} \(cumulative)\n"
            }
            out += "lab_request_duration_seconds_bucket{\(label),le=\"+Inf\"} \(counters.latencyCount)\n"
            out += "lab_request_duration_seconds_sum{\(label)} \(Self.format(counters.latencySum))\n"
            out += "lab_request_duration_seconds_count{\(label)} \(counters.latencyCount)\n"
        }
        func gauge(_ name: String, _ help: String, _ value: Double, type: String = "gauge") {
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n\(name) \(Self.format(value))\n"
        }
        gauge("lab_instances", "Instances taking new requests.", Double(pool.activeInstances))
        gauge("lab_instances_draining", "Instances finishing their work before removal.", Double(pool.drainingInstances))
        gauge("lab_workers_busy", "Workers serving a request now.", Double(pool.busyWorkers))
        gauge("lab_queue_depth", "Requests waiting in all instance queues.", Double(pool.queuedJobs))
        gauge("lab_utilization", "Busy workers over the active instances' workers, now.", pool.utilization)
        gauge("lab_busy_worker_seconds_total", "Integral of busy workers over time.", pool.busyWorkerSeconds, type: "counter")
        gauge("lab_provisioned_worker_seconds_total", "Integral of provisioned workers over time.", pool.provisionedWorkerSeconds, type: "counter")
        gauge("lab_capacity_requests_per_second", "Configured capacity at the reference mix with the active instances.",
              spec.capacityPerInstance * Double(pool.activeInstances))
        gauge("lab_scale_events_total", "Instance count changes applied.", Double(scaleEvents), type: "counter")
        return out
    }

    static func format(_ value: Double) -> String {
        if value == value.rounded() && abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }
}
