/// The Lab's queueing logic as a pure state machine: instances with workers and bounded queues.
///
/// No clocks, no I/O, no randomness: callers pass the time (seconds, any origin) and each job's
/// already-sampled service time, and act on what comes back (schedule a completion at
/// `Start.finishTime`, answer 503 on `.rejected`). The NIO server drives it in real time; the
/// `LabSimulator` drives it in virtual time.
///
/// Dispatch: a new job goes to the active instance with the fewest busy workers if one has a free
/// worker, else to the active instance with the shortest queue if that queue is below
/// `queueLimit`, else it is rejected. Ties go to the lowest instance id, so runs are deterministic.
/// Scaling down marks instances as draining: they take no new jobs, finish what they hold, and
/// are removed once idle.
public struct InstancePool: Sendable {
    /// One request as the pool sees it.
    public struct Job: Sendable, Hashable {
        /// Caller-chosen identifier, echoed back.
        public var id: UInt64
        /// Index of the route (opaque to the pool).
        public var route: Int
        /// Arrival time.
        public var arrival: Double
        /// Time the job holds a worker.
        public var serviceTime: Double

        /// Creates a job.
        public init(id: UInt64, route: Int, arrival: Double, serviceTime: Double) {
            self.id = id
            self.route = route
            self.arrival = arrival
            self.serviceTime = serviceTime
        }
    }

    /// A job that got a worker: the caller must call `complete(_:at:)` at `finishTime`.
    public struct Start: Sendable, Hashable {
        /// The job.
        public var job: Job
        /// The instance serving it.
        public var instance: Int
        /// When service began.
        public var startTime: Double
        /// When service ends.
        public var finishTime: Double { startTime + job.serviceTime }
    }

    /// What happened to an arriving job.
    public enum Arrival: Sendable, Hashable {
        /// Served at once.
        case started(Start)
        /// Waiting in `instance`'s queue, now `depth` long.
        case queued(instance: Int, depth: Int)
        /// No room: answer 503.
        case rejected
    }

    /// A finished job.
    public struct Completion: Sendable, Hashable {
        /// The job.
        public var job: Job
        /// The instance that served it.
        public var instance: Int
        /// Time spent waiting in the queue.
        public var wait: Double
        /// Arrival to completion.
        public var latency: Double
    }

    struct Instance: Sendable {
        var id: Int
        var busy = 0
        var queue: [Job] = []
        var draining = false
    }

    /// Workers per instance.
    public let workersPerInstance: Int
    /// Queue slots per instance.
    public let queueLimit: Int
    private(set) var instances: [Instance] = []
    private var nextInstanceID = 0
    private var lastTime: Double
    /// Integral of busy workers over time (worker-seconds).
    public private(set) var busyWorkerSeconds: Double = 0
    /// Integral of provisioned workers (active and draining instances) over time.
    public private(set) var provisionedWorkerSeconds: Double = 0

    /// Creates a pool with `instances` active instances, at time `now`.
    public init(instances: Int, workersPerInstance: Int, queueLimit: Int, now: Double = 0) {
        self.workersPerInstance = max(1, workersPerInstance)
        self.queueLimit = max(0, queueLimit)
        lastTime = now
        for _ in 0..<max(0, instances) { addInstance() }
    }

    /// Instances taking new jobs.
    public var activeInstances: Int { instances.count { !$0.draining } }
    /// Instances finishing their work before removal.
    public var drainingInstances: Int { instances.count { $0.draining } }
    /// Workers serving a job now.
    public var busyWorkers: Int { instances.reduce(0) { $0 + $1.busy } }
    /// Jobs waiting in all queues.
    public var queuedJobs: Int { instances.reduce(0) { $0 + $1.queue.count } }
    /// Busy workers over the active instances' workers (can exceed 1 while draining).
    public var utilization: Double {
        let workers = activeInstances * workersPerInstance
        return workers > 0 ? Double(busyWorkers) / Double(workers) : (busyWorkers > 0 ? 1 : 0)
    }

    /// Offers a job arriving at `now`.
    public mutating func arrive(_ job: Job, at now: Double) -> Arrival {
        advance(to: now)
        var freeIndex: Int?
        var shortestQueue: Int?
        for index in instances.indices where !instances[index].draining {
            let instance = instances[index]
            if instance.busy < workersPerInstance {
                if freeIndex == nil || instance.busy < instances[freeIndex!].busy { freeIndex = index }
            } else if instance.queue.count < queueLimit {
                if shortestQueue == nil || instance.queue.count < instances[shortestQueue!].queue.count {
                    shortestQueue = index
                }
            }
        }
        if let index = freeIndex {
            instances[index].busy += 1
            return .started(Start(job: job, instance: instances[index].id, startTime: now))
        }
        if let index = shortestQueue {
            instances[index].queue.append(job)
            return .queued(instance: instances[index].id, depth: instances[index].queue.count)
        }
        return .rejected
    }

    /// Ends `start`'s service at `now`; returns its completion and the queued job that took the
    /// freed worker, if any (schedule its completion too).
    public mutating func complete(_ start: Start, at now: Double) -> (completion: Completion, next: Start?) {
        advance(to: now)
        let completion = Completion(
            job: start.job, instance: start.instance, wait: start.startTime - start.job.arrival,
            latency: now - start.job.arrival)
        guard let index = instances.firstIndex(where: { $0.id == start.instance }) else {
            return (completion, nil)
        }
        var next: Start?
        if !instances[index].queue.isEmpty {
            let job = instances[index].queue.removeFirst()
            next = Start(job: job, instance: start.instance, startTime: now)
        } else {
            instances[index].busy = max(0, instances[index].busy - 1)
            if instances[index].draining && instances[index].busy == 0 {
                instances.remove(at: index)
            }
        }
        return (completion, next)
    }

    /// Sets the number of active instances at `now`. Growing reactivates draining instances
    /// first; shrinking drains the newest instances. Returns the jobs that a new instance can
    /// take from other instances' queues at once (schedule their completions).
    @discardableResult
    public mutating func setActiveInstances(_ count: Int, at now: Double) -> [Start] {
        advance(to: now)
        let target = max(0, count)
        var active = activeInstances
        if target > active {
            for index in instances.indices where instances[index].draining && active < target {
                instances[index].draining = false
                active += 1
            }
            while active < target {
                addInstance()
                active += 1
            }
            return rebalance(at: now)
        }
        if target < active {
            for index in instances.indices.reversed() where !instances[index].draining && active > target {
                instances[index].draining = true
                active -= 1
            }
            instances.removeAll { $0.draining && $0.busy == 0 && $0.queue.isEmpty }
        }
        return []
    }

    /// Moves queued jobs to free workers anywhere (after scale-up).
    private mutating func rebalance(at now: Double) -> [Start] {
        var started: [Start] = []
        while true {
            guard let free = instances.indices.first(where: { !instances[$0].draining && instances[$0].busy < workersPerInstance }),
                  let longest = instances.indices.filter({ !instances[$0].queue.isEmpty })
                    .max(by: { instances[$0].queue.count < instances[$1].queue.count })
            else { return started }
            let job = instances[longest].queue.removeFirst()
            instances[free].busy += 1
            started.append(Start(job: job, instance: instances[free].id, startTime: now))
        }
    }

    private mutating func addInstance() {
        instances.append(Instance(id: nextInstanceID))
        nextInstanceID += 1
    }

    /// Moves the pool's clock to `now`, accumulating the utilization integrals.
    public mutating func advance(to now: Double) {
        let elapsed = now - lastTime
        guard elapsed > 0 else { return }
        busyWorkerSeconds += Double(busyWorkers) * elapsed
        provisionedWorkerSeconds += Double(instances.count * workersPerInstance) * elapsed
        lastTime = now
    }
}
