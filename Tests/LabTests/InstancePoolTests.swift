import Testing
@testable import Lab

@Suite struct InstancePoolTests {
    func job(_ id: UInt64, at time: Double, service: Double = 1) -> InstancePool.Job {
        InstancePool.Job(id: id, route: 0, arrival: time, serviceTime: service)
    }

    @Test func fillsWorkersThenQueueThenRejects() throws {
        var pool = InstancePool(instances: 1, workersPerInstance: 2, queueLimit: 1)
        guard case .started(let a) = pool.arrive(job(0, at: 0), at: 0) else { Issue.record("first not started"); return }
        guard case .started = pool.arrive(job(1, at: 0.1), at: 0.1) else { Issue.record("second not started"); return }
        #expect(pool.arrive(job(2, at: 0.2), at: 0.2) == .queued(instance: 0, depth: 1))
        #expect(pool.arrive(job(3, at: 0.3), at: 0.3) == .rejected)
        #expect(pool.busyWorkers == 2 && pool.queuedJobs == 1)

        let (done, next) = pool.complete(a, at: 1.0)
        #expect(done.latency == 1.0 && done.wait == 0)
        let started = try #require(next)
        #expect(started.job.id == 2 && started.startTime == 1.0 && started.finishTime == 2.0)
        let (queuedDone, _) = pool.complete(started, at: 2.0)
        #expect(abs(queuedDone.wait - 0.8) < 1e-9 && abs(queuedDone.latency - 1.8) < 1e-9)
    }

    @Test func dispatchesToLeastBusyInstance() {
        var pool = InstancePool(instances: 2, workersPerInstance: 2, queueLimit: 0)
        var instances: [Int] = []
        for id in 0..<4 {
            if case .started(let start) = pool.arrive(job(UInt64(id), at: 0), at: 0) { instances.append(start.instance) }
        }
        #expect(instances == [0, 1, 0, 1])
        #expect(pool.arrive(job(9, at: 0), at: 0) == .rejected)
    }

    @Test func scaleUpTakesQueuedWorkAtOnce() {
        var pool = InstancePool(instances: 1, workersPerInstance: 1, queueLimit: 5)
        _ = pool.arrive(job(0, at: 0), at: 0)
        _ = pool.arrive(job(1, at: 0), at: 0)
        _ = pool.arrive(job(2, at: 0), at: 0)
        #expect(pool.queuedJobs == 2)
        let starts = pool.setActiveInstances(3, at: 0.5)
        #expect(starts.map(\.job.id) == [1, 2])
        #expect(Set(starts.map(\.instance)) == [1, 2])
        #expect(pool.queuedJobs == 0 && pool.activeInstances == 3)
    }

    @Test func scaleDownDrainsBusyInstances() {
        var pool = InstancePool(instances: 2, workersPerInstance: 1, queueLimit: 0)
        guard case .started = pool.arrive(job(0, at: 0), at: 0),
              case .started(let second) = pool.arrive(job(1, at: 0), at: 0) else { Issue.record("not started"); return }
        #expect(second.instance == 1)
        pool.setActiveInstances(1, at: 0.1)
        #expect(pool.activeInstances == 1 && pool.drainingInstances == 1)
        // No new work goes to the draining instance.
        #expect(pool.arrive(job(2, at: 0.2), at: 0.2) == .rejected)
        _ = pool.complete(second, at: 1)
        #expect(pool.drainingInstances == 0)
    }

    @Test func utilizationIntegralCountsBusyWorkerSeconds() {
        var pool = InstancePool(instances: 1, workersPerInstance: 4, queueLimit: 0)
        guard case .started(let start) = pool.arrive(job(0, at: 0, service: 2), at: 0) else { return }
        _ = pool.complete(start, at: 2)
        pool.advance(to: 4)
        #expect(abs(pool.busyWorkerSeconds - 2) < 1e-9)
        #expect(abs(pool.provisionedWorkerSeconds - 16) < 1e-9)
    }
}
