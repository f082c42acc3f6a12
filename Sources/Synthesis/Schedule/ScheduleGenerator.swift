import Profiler
import Traffic

/// Produces the synthetic schedule of a run as a stream of ``RequestBatch`` chunks: arrival
/// times from the ``RatePlan`` (open model or sessions), each request serialized from its route's
/// compiled template into the chunk's arena.
///
/// Determinism: request `k` of the schedule (global send order) is rendered from a generator
/// seeded by `(seed, k)` only, and arrival times come from their own seeded stream; so the same
/// profile, options and seed always give the same bytes and timestamps, and shard `i/N` (the
/// requests with `k % N == i`) holds exactly those requests of the one schedule.
///
/// Streaming: only one chunk (at most ``SynthesisOptions/chunkRequests`` requests) exists at a
/// time inside the generator; the caller pulls the next one when it needs it.
///
/// Not thread-safe: one generator belongs to one task (the chunks it returns are `Sendable`).
public final class ScheduleGenerator {
    private enum Arrivals {
        case open(OpenArrivals)
        case sessions(SessionArrivals)
    }

    /// The rate plan (segments, mixes, rate source).
    public let plan: RatePlan
    /// Route names by route id: the plan's routes, then one `fault:<kind>` per fault kind.
    public let routeNames: [String]
    /// Counts so far.
    public private(set) var stats: SynthesisStats

    private var renderer: RequestRenderer
    private var arrivals: Arrivals
    private let mixAliases: [AliasTable]
    private let segmentHotKeys: [[CompiledHotKey]]
    private let faults: [CompiledFault]
    private let seed: UInt64
    private let shard: Shard
    private let chunkRequests: Int
    private let chunkSpanNanos: Int64
    private let arena: ByteArena
    private var nextIndex: UInt64 = 0
    private var pending: (nanos: Int64, time: Double, segment: Int, route: Int?)?
    private var finished = false

    /// Compiles the profile for the options; throws ``SynthesisError`` on unusable input.
    public init(profile: RequestProfile, options given: SynthesisOptions) throws {
        var options = given
        options.scenario = try given.scenario?.resolved(against: profile)
        guard options.chunkRequests > 0 else { throw SynthesisError.invalidOption(field: "chunk-requests", detail: "must be positive") }
        guard options.payloadScale >= 0, options.payloadScale.isFinite else { throw SynthesisError.invalidOption(field: "payload-scale", detail: "must be >= 0") }
        let plan = try RatePlan(profile: profile, options: options)
        self.plan = plan
        var renderer = try RequestRenderer(profile: profile, options: options, plan: plan)
        var hotCache: [[RatePlan.ActiveHotKey]: [CompiledHotKey]] = [:]
        var segmentHotKeys: [[CompiledHotKey]] = []
        for segment in plan.segments {
            if segment.hotKeys.isEmpty { segmentHotKeys.append([]); continue }
            if let cached = hotCache[segment.hotKeys] { segmentHotKeys.append(cached); continue }
            let compiled = try renderer.compile(hotKeys: segment.hotKeys)
            hotCache[segment.hotKeys] = compiled
            segmentHotKeys.append(compiled)
        }
        self.segmentHotKeys = segmentHotKeys
        var names = plan.routeNames
        var faultRoutes: [FaultKind: UInt32] = [:]
        var compiledFaults: [CompiledFault] = []
        for rule in options.faults?.rules ?? [] {
            guard rule.probability >= 0, rule.probability <= 1 else {
                throw SynthesisError.invalidOption(field: "faults.probability", detail: "must be within 0...1, got \(rule.probability)")
            }
            let route: UInt32
            if let existing = faultRoutes[rule.kind] {
                route = existing
            } else {
                route = UInt32(names.count)
                faultRoutes[rule.kind] = route
                names.append(rule.kind.routeName)
            }
            compiledFaults.append(CompiledFault(rule: rule, route: route))
        }
        faults = compiledFaults
        routeNames = names
        self.renderer = renderer
        mixAliases = plan.mixes.map { AliasTable(weights: $0) }
        switch options.arrivals {
        case .open: arrivals = .open(OpenArrivals(plan: plan, seed: options.seed))
        case .sessions: arrivals = .sessions(try SessionArrivals(profile: profile, plan: plan, options: options))
        }
        seed = options.seed
        shard = options.shard
        chunkRequests = options.chunkRequests
        chunkSpanNanos = Swift.max(1, options.chunkSpanNanos)
        arena = ByteArena(capacity: options.chunkRequests * 320)
        stats = SynthesisStats(requestsPerRoute: [Int](repeating: 0, count: names.count))
    }

    private func nextArrival() -> (nanos: Int64, time: Double, segment: Int, route: Int?)? {
        switch arrivals {
        case var .open(open):
            let next = open.next()
            arrivals = .open(open)
            return next.map { (Int64(($0.time * 1e9).rounded(.down)), $0.time, $0.segment, nil) }
        case var .sessions(sessions):
            let next = sessions.next()
            arrivals = .sessions(sessions)
            return next.map { (Int64(($0.time * 1e9).rounded(.down)), $0.time, $0.segment, $0.route) }
        }
    }

    /// The next chunk of this shard's requests, or `nil` when the run's schedule is exhausted.
    /// A chunk holds at most `chunkRequests` requests and spans at most `chunkSpanNanos`.
    public func nextChunk() -> RequestBatch? {
        guard !finished else { return nil }
        var entries: [RequestBatch.Entry] = []
        entries.reserveCapacity(chunkRequests)
        var firstNanos: Int64?
        let shardCount = UInt64(shard.count)
        let shardIndex = UInt64(shard.index)
        renderer.pool.bytes.withUnsafeBufferPointer { poolBuffer in
            let base = poolBuffer.baseAddress!
            while entries.count < chunkRequests {
                guard let arrival = pending ?? nextArrival() else {
                    finished = true
                    break
                }
                pending = nil
                if let first = firstNanos, arrival.nanos - first >= chunkSpanNanos {
                    pending = arrival
                    break
                }
                let index = nextIndex
                nextIndex += 1
                stats.scheduled += 1
                guard index % shardCount == shardIndex else { continue }
                if firstNanos == nil { firstNanos = arrival.nanos }
                var random = SeededRandom(seed: seed ^ mix64(index))
                let route = arrival.route ?? mixAliases[plan.segments[arrival.segment].mix].sample(&random)
                var fault: CompiledFault?
                if !faults.isEmpty {
                    var faultRandom = SeededRandom(seed: seed ^ mix64(index ^ 0x4641_554c_5453_0000))
                    for candidate in faults where candidate.isActive(at: arrival.time) {
                        if faultRandom.nextUnit() < candidate.probability {
                            fault = candidate
                            break
                        }
                    }
                }
                let offset = arena.count
                renderer.render(
                    route: route, hotKeys: segmentHotKeys[arrival.segment], fault: fault, random: &random,
                    arena: arena, pool: base)
                let length = arena.count - offset
                let recordedRoute = fault?.route ?? UInt32(route)
                entries.append(RequestBatch.Entry(
                    offset: UInt32(offset), length: UInt32(length), route: recordedRoute,
                    flags: fault?.flags ?? 0, sendAtNanos: arrival.nanos))
                stats.requestsPerRoute[Int(recordedRoute)] += 1
                if let fault { stats.faults[fault.kind, default: 0] += 1 }
                stats.requests += 1
                stats.bytes += length
            }
        }
        if entries.isEmpty && finished { return nil }
        if entries.isEmpty { return nextChunk() }
        return RequestBatch(arena: arena.takeBytes(), entries: entries, routes: routeNames)
    }
}

extension ScheduleGenerator: Sequence, IteratorProtocol {
    /// Same as ``nextChunk()``.
    public func next() -> RequestBatch? { nextChunk() }
}
