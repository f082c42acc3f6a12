/// Runs a Lab spec in virtual time: Poisson arrivals at a rate that can change every instant,
/// the same `InstancePool` state machine as the server, and an optional controller called at the
/// end of every simulated second (the place an autoscaler plugs in). A minute of load at
/// hundreds of requests per second simulates in milliseconds, with no network and no sleeps.
public struct LabSimulator: Sendable {
    /// One simulated request.
    public struct Request: Sendable, Hashable {
        /// Arrival time (seconds from the start).
        public var time: Double
        /// Route name.
        public var route: String
        /// Arrival to response, in seconds (0 for a 503).
        public var latency: Double
        /// 200; 500 for an injected fault; 503 when the queues were full.
        public var status: Int
    }

    /// What one simulated second looked like.
    public struct Second: Sendable, Hashable {
        /// The second's index (0 = [0, 1)).
        public var second: Int
        /// Arrivals during the second.
        public var offered: Int
        /// Requests served (200 or injected 500) during the second.
        public var completed: Int
        /// Injected 500s among them.
        public var failed: Int
        /// Requests answered 503 during the second.
        public var rejected: Int
        /// Median latency of the second's completions (seconds; 0 when none).
        public var p50: Double
        /// 99th percentile latency of the second's completions (seconds; 0 when none).
        public var p99: Double
        /// Busy worker-seconds over provisioned worker-seconds in the second.
        public var utilization: Double
        /// Active instances at the end of the second.
        public var instances: Int
        /// Jobs queued at the end of the second.
        public var queueDepth: Int
        /// 503s and 500s over arrivals (0 when no arrivals).
        public var errorRate: Double { offered > 0 ? Double(rejected + failed) / Double(offered) : 0 }
    }

    /// Everything a run produced.
    public struct Result: Sendable {
        /// Per-second statistics.
        public var seconds: [Second]
        /// Every request, in arrival order of completion (only when `recordRequests`).
        public var requests: [Request]
    }

    /// The simulated service.
    public var spec: LabSpec
    /// Seconds between asking for more instances and their taking traffic.
    public var startupDelay: Double
    /// Seed for arrivals, route choice and service times.
    public var seed: UInt64
    /// Whether `Result.requests` is filled.
    public var recordRequests: Bool

    /// Creates a simulator.
    public init(spec: LabSpec, startupDelay: Double = 0, seed: UInt64 = 1, recordRequests: Bool = false) {
        self.spec = spec
        self.startupDelay = startupDelay
        self.seed = seed
        self.recordRequests = recordRequests
    }

    /// Simulates `duration` seconds. `rate(t)` is the arrival rate (req/s) at time `t`;
    /// `controller(second, currentTarget)` may return a new instance count after each second.
    public func run(
        duration: Double,
        rate: (Double) -> Double,
        controller: ((Second, Int) -> Int?)? = nil
    ) -> Result {
        var generator = SeededGenerator(seed: seed)
        var pool = InstancePool(
            instances: spec.instances, workersPerInstance: spec.workersPerInstance, queueLimit: spec.queueLimit)
        let mix = spec.mix
        let cumulative = mix.reduce(into: [Double]()) { $0.append(($0.last ?? 0) + $1.share) }
        var heap = CompletionHeap()
        var seconds: [Second] = []
        var requests: [Request] = []
        var pendingScale: [(time: Double, count: Int)] = []
        var target = spec.instances
        var nextID: UInt64 = 0

        var latencies: [Double] = []
        var offered = 0, completed = 0, rejected = 0, failed = 0
        var busyMark = 0.0, provisionedMark = 0.0
        var secondEnd = 1.0

        func nextArrival(after time: Double) -> Double {
            var t = time
            while t < duration {
                let r = rate(t)
                if r > 0 { return t + generator.nextExponential(mean: 1 / r) }
                t = (t + 1).rounded(.down)  // no load: look again at the next whole second
            }
            return .infinity
        }

        var arrivalTime = nextArrival(after: 0)
        while true {
            let completionTime = heap.minimum?.finishTime ?? .infinity
            let scaleTime = pendingScale.first?.time ?? .infinity
            let now = min(arrivalTime, completionTime, secondEnd, scaleTime)
            if now > duration && secondEnd > duration { break }

            if now == scaleTime {
                let change = pendingScale.removeFirst()
                for start in pool.setActiveInstances(change.count, at: now) { heap.push(start) }
            } else if now == completionTime, let start = heap.pop() {
                let (done, next) = pool.complete(start, at: now)
                if let next { heap.push(next) }
                completed += 1
                latencies.append(done.latency)
                let route = spec.routes[done.job.route]
                let status = route.errorRate > 0 && generator.nextUnitOpen() < route.errorRate ? 500 : 200
                if status == 500 { failed += 1 }
                if recordRequests {
                    requests.append(Request(time: done.job.arrival, route: route.name, latency: done.latency, status: status))
                }
            } else if now == secondEnd {
                // Close the second: measure, then let the controller act.
                pool.advance(to: now)
                let busy = pool.busyWorkerSeconds - busyMark
                let provisioned = pool.provisionedWorkerSeconds - provisionedMark
                busyMark = pool.busyWorkerSeconds
                provisionedMark = pool.provisionedWorkerSeconds
                latencies.sort()
                let second = Second(
                    second: seconds.count, offered: offered, completed: completed, failed: failed, rejected: rejected,
                    p50: Self.quantile(latencies, 0.50), p99: Self.quantile(latencies, 0.99),
                    utilization: provisioned > 0 ? busy / provisioned : 0,
                    instances: pool.activeInstances, queueDepth: pool.queuedJobs)
                seconds.append(second)
                latencies.removeAll(keepingCapacity: true)
                offered = 0; completed = 0; rejected = 0; failed = 0
                secondEnd += 1
                if let controller, let desired = controller(second, target), desired != target {
                    let desired = max(0, desired)
                    if desired > target && startupDelay > 0 {
                        pendingScale.append((now + startupDelay, desired))
                    } else {
                        pendingScale.removeAll()
                        for start in pool.setActiveInstances(desired, at: now) { heap.push(start) }
                    }
                    target = desired
                }
            } else {
                // An arrival.
                let pick = generator.nextUnitOpen()
                let routeIndex = mix[cumulative.firstIndex { pick <= $0 } ?? (mix.count - 1)].route
                let service = spec.routes[routeIndex].serviceTime.sample(using: &generator)
                let job = InstancePool.Job(id: nextID, route: routeIndex, arrival: now, serviceTime: service)
                nextID += 1
                offered += 1
                switch pool.arrive(job, at: now) {
                case .started(let start): heap.push(start)
                case .queued: break
                case .rejected:
                    rejected += 1
                    if recordRequests {
                        requests.append(Request(time: now, route: spec.routes[routeIndex].name, latency: 0, status: 503))
                    }
                }
                arrivalTime = nextArrival(after: now)
            }
        }
        return Result(seconds: seconds, requests: requests)
    }

    /// The `q` quantile of sorted values (nearest rank); 0 for none.
    static func quantile(_ sorted: [Double], _ q: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((q * Double(sorted.count)).rounded(.up)) - 1
        return sorted[min(max(rank, 0), sorted.count - 1)]
    }
}
