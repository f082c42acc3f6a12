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
    /// The rate plan (segments, mixes, rate source).
    public let plan: RatePlan
    /// Route names by route id: the plan's routes, then one `fault:<kind>` per fault kind.
    public let routeNames: [String]
    /// Counts so far.
    public private(set) var stats: SynthesisStats

    private let renderer: RequestRenderer
    private var openArrivals: OpenArrivals?
    private var sessionArrivals: SessionArrivals?
    private let mixAliases: [AliasTable]
    /// Mix index by segment.
    private let segmentMix: [Int]
    /// Hot keys of all segments back to back, and each segment's range in it.
    private let hotKeys: [CompiledHotKey]
    private let segmentHotKeys: [Range<Int>]
    private let faults: [CompiledFault]
    private let seed: UInt64
    private let shard: Shard
    private let chunkRequests: Int
    private let chunkSpanNanos: Int64
    /// Expected bytes per request, learnt from the chunks so far (sizes the next arena).
    private var bytesPerRequest = 384
    private var nextIndex: UInt64 = 0
    private var pending: (nanos: Int64, time: Double, segment: Int, route: Int?)?
    private var finished = false
    /// Added to every entry's `sendAtNanos` (a warm-up schedule placed before the run's clock
    /// starts has negative send times); the cutoff of ``nextChunk(lateBefore:maxRequests:)`` is
    /// in the generator's own time (before the offset).
    var sendOffsetNanos: Int64 = 0

    /// Stream tag of the fault draw (apart from the request's own stream).
    private static let faultStream: UInt64 = 0x4641_554c_5453_0000

    /// Compiles the profile for the options; throws ``SynthesisError`` on unusable input.
    public convenience init(profile: RequestProfile, options given: SynthesisOptions) throws {
        try self.init(profile: profile, options: given, reshape: { _ in })
    }

    /// Compiles the profile for the options, with the rate plan changed by `reshape` before
    /// anything is compiled from it (the warm-up's constant-rate plan).
    init(profile: RequestProfile, options given: SynthesisOptions, reshape: (inout RatePlan) -> Void) throws {
        var options = given
        options.scenario = try given.scenario?.resolved(against: profile)
        guard options.chunkRequests > 0 else { throw SynthesisError.invalidOption(field: "chunk-requests", detail: "must be positive") }
        guard options.payloadScale >= 0, options.payloadScale.isFinite else { throw SynthesisError.invalidOption(field: "payload-scale", detail: "must be >= 0") }
        var plan = try RatePlan(profile: profile, options: options)
        reshape(&plan)
        self.plan = plan
        let renderer = try RequestRenderer(profile: profile, options: options, plan: plan)
        var hotCache: [[RatePlan.ActiveHotKey]: Range<Int>] = [:]
        var hotKeys: [CompiledHotKey] = []
        var segmentHotKeys: [Range<Int>] = []
        for segment in plan.segments {
            if segment.hotKeys.isEmpty { segmentHotKeys.append(0..<0); continue }
            if let cached = hotCache[segment.hotKeys] { segmentHotKeys.append(cached); continue }
            let compiled = try renderer.compile(hotKeys: segment.hotKeys)
            let range = hotKeys.count..<(hotKeys.count + compiled.count)
            hotKeys += compiled
            hotCache[segment.hotKeys] = range
            segmentHotKeys.append(range)
        }
        self.hotKeys = hotKeys
        self.segmentHotKeys = segmentHotKeys
        segmentMix = plan.segments.map(\.mix)
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
        renderer.allow(faultBytes: compiledFaults.map { $0.kind == .oversizedHeaders ? $0.bytes : 0 }.max() ?? 0)
        faults = compiledFaults
        routeNames = names
        self.renderer = renderer
        mixAliases = plan.mixes.map { AliasTable(weights: $0) }
        switch options.arrivals {
        case .open: openArrivals = OpenArrivals(plan: plan, seed: options.seed)
        case .even: openArrivals = OpenArrivals(plan: plan, seed: options.seed, evenlySpaced: true)
        case .sessions: sessionArrivals = try SessionArrivals(profile: profile, plan: plan, options: options)
        }
        seed = options.seed
        shard = options.shard
        chunkRequests = options.chunkRequests
        chunkSpanNanos = Swift.max(1, options.chunkSpanNanos)
        stats = SynthesisStats(routes: names.count)
    }

    /// The next chunk of this shard's requests, or `nil` when the run's schedule is exhausted.
    /// A chunk holds at most `chunkRequests` requests and spans at most `chunkSpanNanos`.
    ///
    /// The requests are written straight into the chunk's own arena (no copy): its capacity is
    /// sized from the bytes per request seen so far, and a chunk ends early when the next
    /// request might not fit (that request opens the next chunk, with the same bytes).
    public func nextChunk() -> RequestBatch? { nextChunk(lateBefore: .min) }

    /// The next chunk, skipping the requests already late: this shard's requests intended
    /// before `cutoffNanos` (run time) are counted in ``SynthesisStats/skippedLate`` but neither
    /// rendered nor returned. Only their arrival times are drawn (a few nanoseconds each), so
    /// the requests that are rendered keep exactly the bytes, times and indexes they have in the
    /// unskipped schedule. At most `maxRequests` requests (capped at
    /// ``SynthesisOptions/chunkRequests``; chunk boundaries never change the bytes). Returns
    /// `nil` when the schedule is exhausted (possibly after skipping its tail).
    public func nextChunk(lateBefore cutoffNanos: Int64, maxRequests: Int = .max) -> RequestBatch? {
        let limit = Swift.max(1, Swift.min(maxRequests, chunkRequests))
        while !finished {
            let worst = renderer.worstRequestBytes
            let capacity = limit * bytesPerRequest + worst
            var arena: [UInt8] = []
            // Entries and bytes are written through raw pointers into the batch's own arrays
            // (no append per request: no capacity or uniqueness check).
            let entries = [RequestBatch.Entry](unsafeUninitializedCapacity: limit) { entryBuffer, entryCount in
                arena = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, initialized in
                    (initialized, entryCount) = fill(
                        buffer.baseAddress!, capacity: capacity, limit: limit, entries: entryBuffer.baseAddress!,
                        lateBefore: cutoffNanos)
                }
            }
            guard !entries.isEmpty else { continue }
            if entries.count == limit || arena.count + worst > capacity {
                bytesPerRequest = Swift.max(64, (arena.count / entries.count) * 9 / 8 + 16)
            }
            return RequestBatch(arena: arena, entries: entries, routes: routeNames)
        }
        return nil
    }

    /// Writes requests at `base` until the chunk is full (`limit` requests), spans `chunkSpanNanos`, or the
    /// schedule ends; returns the bytes and entries written (`entries` has room for `limit`).
    /// Requests intended before `cutoff` are counted late and skipped (they do not open the
    /// chunk's span).
    ///
    /// The generator's mutable state is moved into locals for the loop and stored back at the
    /// end (class properties would cost a dynamic exclusivity check on every access).
    private func fill(
        _ base: UnsafeMutablePointer<UInt8>, capacity: Int, limit chunkRequests: Int, entries: UnsafeMutablePointer<RequestBatch.Entry>,
        lateBefore cutoff: Int64
    ) -> (bytes: Int, entries: Int) {
        var entryCount = 0
        var out = ByteCursor(position: base)
        var firstNanos: Int64?
        let shardCount = UInt64(shard.count)
        let shardIndex = UInt64(shard.index)
        let renderer = self.renderer
        let seed = self.seed
        let chunkSpanNanos = self.chunkSpanNanos
        let sendOffsetNanos = self.sendOffsetNanos
        var stats = self.stats
        self.stats.requestsPerRoute = []
        // Counters as plain locals and the per-route counts as a buffer during the loop.
        var perRoute = stats.requestsPerRoute
        stats.requestsPerRoute = []
        var scheduled = stats.scheduled
        var rendered = 0
        var renderedBytes = 0
        var nextIndex = self.nextIndex
        var pending = self.pending
        var finished = false
        var open = openArrivals
        var sessions = sessionArrivals
        openArrivals = nil
        sessionArrivals = nil
        defer {
            stats.requestsPerRoute = perRoute
            stats.scheduled = scheduled
            stats.requests += rendered
            stats.bytes += renderedBytes
            self.stats = stats
            self.nextIndex = nextIndex
            self.pending = pending
            self.finished = finished
            openArrivals = open
            sessionArrivals = sessions
        }
        // Already late: arrivals are in time order, so the late ones are a prefix. They are
        // drawn (their times decide the later ones' indexes) and counted, nothing else.
        if cutoff > .min, (pending?.nanos ?? .min) < cutoff {
            var dropped = pending == nil ? 0 : 1
            pending = nil
            if open != nil {
                let (skipped, next) = open!.skip(beforeNanos: cutoff)
                dropped += skipped
                if let next { pending = (Int64(next.time * 1e9), next.time, next.segment, nil) } else { finished = true }
            } else {
                finished = true
                while let next = sessions?.next() {
                    let nanos = Int64(next.time * 1e9)
                    if nanos >= cutoff {
                        pending = (nanos, next.time, next.segment, next.route)
                        finished = false
                        break
                    }
                    dropped += 1
                }
            }
            // This shard's indexes among [nextIndex, nextIndex + dropped): k % count == index.
            func mine(below end: UInt64) -> UInt64 { (end + shardCount - 1 - shardIndex) / shardCount }
            let end = nextIndex + UInt64(dropped)
            stats.skippedLate += Int(mine(below: end) - mine(below: nextIndex))
            scheduled += dropped
            nextIndex = end
            if finished { return (0, 0) }
        }
        // Position of `nextIndex` in the shard cycle (no division per request).
        var phase = nextIndex % shardCount
        renderer.pool.bytes.withUnsafeBufferPointer { poolBuffer in
        renderer.routeBounds.withUnsafeBufferPointer { bounds in
        hotKeys.withUnsafeBufferPointer { hotBuffer in
        mixAliases.withUnsafeBufferPointer { mixes in
        segmentMix.withUnsafeBufferPointer { segmentMix in
        segmentHotKeys.withUnsafeBufferPointer { segmentHot in
        faults.withUnsafeBufferPointer { faults in
        perRoute.withUnsafeMutableBufferPointer { perRoute in
            let pool = poolBuffer.baseAddress!
            while entryCount < chunkRequests {
                // The next arrival, read inline (a local function capturing `open` would make
                // every access a dynamic exclusivity check).
                let arrival: (nanos: Int64, time: Double, segment: Int, route: Int?)
                if let held = pending {
                    arrival = held
                    pending = nil
                } else if open != nil {
                    guard let next = open!.next() else { finished = true; break }
                    arrival = (Int64(next.time * 1e9), next.time, next.segment, nil)  // time >= 0: truncation is floor
                } else {
                    guard let next = sessions?.next() else { finished = true; break }
                    arrival = (Int64(next.time * 1e9), next.time, next.segment, next.route)
                }
                if let first = firstNanos, arrival.nanos - first >= chunkSpanNanos {
                    pending = arrival
                    break
                }
                let index = nextIndex
                guard phase == shardIndex else {
                    nextIndex += 1
                    phase += 1
                    if phase == shardCount { phase = 0 }
                    scheduled += 1
                    continue
                }
                var random = RequestRandom(seed: seed, index: index)
                let route: Int
                if let fixed = arrival.route {
                    route = fixed
                } else {
                    route = mixes[segmentMix[arrival.segment]].sample(bits: random.next())
                }
                var fault: CompiledFault?
                if !faults.isEmpty {
                    var faultRandom = RequestRandom(seed: seed, index: index, stream: Self.faultStream)
                    for candidate in faults where candidate.isActive(at: arrival.time) {
                        if faultRandom.chance(candidate.threshold) {
                            fault = candidate
                            break
                        }
                    }
                }
                let (method, bodySize) = renderer.methodAndBody(route: route, fault: fault, random: &random)
                let need = bounds[route] + bodySize + (fault?.kind == .oversizedHeaders ? fault!.bytes : 0)
                let start = out.position - base
                if start + need > capacity {
                    // Does not fit: this arrival opens the next chunk (its bytes depend on its
                    // index only, so they are the same there).
                    pending = arrival
                    break
                }
                nextIndex += 1
                phase += 1
                if phase == shardCount { phase = 0 }
                scheduled += 1
                if firstNanos == nil { firstNanos = arrival.nanos }
                let range = segmentHot[arrival.segment]
                renderer.render(
                    route: route, hotKeys: UnsafeBufferPointer(rebasing: hotBuffer[range]), fault: fault,
                    bodySize: bodySize, method: method, random: &random, out: &out, pool: pool)
                let length = out.position - base - start
                let recordedRoute = fault?.route ?? UInt32(route)
                (entries + entryCount).initialize(to: RequestBatch.Entry(
                    offset: UInt32(start), length: UInt32(length), route: recordedRoute,
                    flags: fault?.flags ?? 0, sendAtNanos: arrival.nanos &+ sendOffsetNanos))
                entryCount += 1
                perRoute[Int(recordedRoute)] += 1
                if let fault { stats.faults[fault.kind, default: 0] += 1 }
                rendered += 1
                renderedBytes += length
            }
        }
        }
        }
        }
        }
        }
        }
        }
        return (out.position - base, entryCount)
    }
}

extension ScheduleGenerator: Sequence, IteratorProtocol {
    /// Same as ``nextChunk()``.
    public func next() -> RequestBatch? { nextChunk() }
}
