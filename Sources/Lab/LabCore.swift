import Logging
import NIOConcurrencyHelpers
import NIOCore

/// The Lab's shared state behind one lock: the pool state machine, the sampler and the counters.
///
/// Requests arrive on any event loop; a request that gets a worker has its completion scheduled
/// as a timer on its own event loop (no thread ever sleeps). When a timer fires, the pool frees
/// the worker and may start the next queued job, whose timer goes on that job's event loop.
final class LabCore: Sendable {
    struct State: Sendable {
        var pool: InstancePool
        var generator: SeededGenerator
        var metrics = LabMetrics()
        var waiting: [UInt64: EventLoopPromise<LabResponse>] = [:]
        var nextID: UInt64 = 0
    }

    let spec: LabSpec
    let origin: NIODeadline
    let state: NIOLockedValueBox<State>
    let logger: Logger

    init(spec: LabSpec, logger: Logger) {
        self.spec = spec
        self.logger = logger
        origin = .now()
        state = NIOLockedValueBox(State(
            pool: InstancePool(instances: spec.instances, workersPerInstance: spec.workersPerInstance, queueLimit: spec.queueLimit),
            generator: SeededGenerator(seed: spec.seed)))
    }

    /// Seconds since the core was made.
    func now() -> Double { Double((NIODeadline.now() - origin).nanoseconds) / 1e9 }

    /// Offers a request for `route` and returns its eventual response.
    func submit(route: Int, on eventLoop: any EventLoop) -> EventLoopFuture<LabResponse> {
        let promise = eventLoop.makePromise(of: LabResponse.self)
        let now = now()
        let routeSpec = spec.routes[route]
        let arrival = state.withLockedValue { state -> InstancePool.Arrival in
            let id = state.nextID
            state.nextID += 1
            let service = routeSpec.serviceTime.sample(using: &state.generator)
            let arrival = state.pool.arrive(InstancePool.Job(id: id, route: route, arrival: now, serviceTime: service), at: now)
            if case .rejected = arrival {
                state.metrics.record(route: routeSpec.name, status: 503, latency: 0)
            } else {
                state.waiting[id] = promise
            }
            return arrival
        }
        switch arrival {
        case .started(let start): schedule(start, on: eventLoop)
        case .queued: break
        case .rejected: promise.succeed(.text(status: 503, "overloaded: all instance queues are full\n"))
        }
        return promise.futureResult
    }

    /// Sets the active instance count now.
    func setInstances(_ count: Int) {
        let now = now()
        logger.info("lab scaled", metadata: ["instances": "\(count)"])
        let starts = state.withLockedValue { state -> [(InstancePool.Start, (any EventLoop)?)] in
            state.metrics.recordScaleEvent()
            return state.pool.setActiveInstances(count, at: now).map { ($0, state.waiting[$0.job.id]?.futureResult.eventLoop) }
        }
        for (start, loop) in starts { if let loop { schedule(start, on: loop) } }
    }

    /// The active instance count.
    var instances: Int { state.withLockedValue { $0.pool.activeInstances } }

    /// Requests holding a worker or waiting.
    var inFlight: Int { state.withLockedValue { $0.waiting.count } }

    /// The Prometheus exposition now.
    func exposition() -> String {
        let now = now()
        return state.withLockedValue { state in
            state.pool.advance(to: now)
            return state.metrics.exposition(pool: state.pool, spec: spec)
        }
    }

    private func schedule(_ start: InstancePool.Start, on eventLoop: any EventLoop) {
        let deadline = origin + .nanoseconds(Int64(start.finishTime * 1e9))
        eventLoop.scheduleTask(deadline: deadline) { self.finish(start) }
    }

    private func finish(_ start: InstancePool.Start) {
        let now = now()
        let routeSpec = spec.routes[start.job.route]
        var status = 200
        let (promise, next) = state.withLockedValue { state -> (EventLoopPromise<LabResponse>?, (InstancePool.Start, any EventLoop)?) in
            let (done, next) = state.pool.complete(start, at: now)
            let failed = routeSpec.errorRate > 0 && state.generator.nextUnitOpen() < routeSpec.errorRate
            status = failed ? 500 : 200
            state.metrics.record(route: routeSpec.name, status: status, latency: done.latency)
            let promise = state.waiting.removeValue(forKey: start.job.id)
            let nextLoop = next.flatMap { state.waiting[$0.job.id]?.futureResult.eventLoop }
            if let next, let nextLoop { return (promise, (next, nextLoop)) }
            return (promise, nil)
        }
        promise?.succeed(status == 200 ? .filler(status: 200, bytes: routeSpec.responseBytes) : .text(status: status, "injected fault\n"))
        if let (next, loop) = next { schedule(next, on: loop) }
    }
}
