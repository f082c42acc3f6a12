import Foundation
import Traffic

/// Builds a ``RequestProfile`` incrementally, in bounded memory: parsed log lines
/// (``observe(_:)``, the fast path over byte spans) or records arriving live (``add(_:)``).
///
/// Redaction happens here before anything is kept: client addresses become keyed 64-bit
/// pseudonyms used only in memory (never written), credential query values are never read,
/// secret-looking parameter values are never stored. Call ``finish()`` for the profile.
public struct ProfileBuilder: Sendable {
    /// Settings.
    public let configuration: ProfilerConfiguration
    let templater: RouteTemplater
    /// Salt of the in-memory client keys (from the redactor's hash policy), `nil` when dropped.
    let clientSalt: (UInt64, UInt64)?

    var methods = ByteInterner(capacity: 64, maxLength: 32)
    /// The previous line's method (bytes packed little-endian, length in the top byte) and id.
    var lastMethodKey: UInt64 = .max
    var lastMethodID: Int32 = 0
    var methodCounts: [Int] = []
    var paths: ByteInterner
    var pathShapes: [Int32] = []
    /// Per interned path: where its parameter value ranges start in ``pathParameterRanges``
    /// (pairs of start, end byte offsets), so paths seen again are not templated again.
    var pathParameterOffsets: [Int32] = []
    var pathParameterRanges: [Int32] = []
    var shapes: ByteInterner
    var shapeStats: [ShapeStats] = []
    /// Per-shape request, method and status counts (flat; folded into ``shapeStats`` by ``flush()``).
    var shapeCounters = ShapeCounters()
    var shapeHasParameters: [Bool] = []
    /// Mirror of each shape's ``ShapeStats/seriesDropped`` in a dense array, so the per-request
    /// check in ``deliver(time:event:)`` does not touch the shape's large stats element again.
    var shapeSeriesDropped: [Bool] = []
    var agents: ByteInterner
    var agentCounts: [Int] = []
    var overflowAgentFamilies: [String: Int] = [:]
    var clients: KeySet
    var clientsCapped = false
    /// The last client key inserted into ``clients`` (consecutive repeats skip the set).
    var lastClientKey: UInt64?
    /// The last interned agent's bytes and id (-1: none), see ``agentID(_:)``.
    var lastAgentBytes: [UInt8] = []
    var lastAgentID: Int32 = -1
    var countries = ByteInterner(capacity: 1024, maxLength: 8)
    var countryCounts: [Int] = []
    var countrySource = "none"
    var unknownCountry = 0
    var queryKeys = ByteInterner(capacity: 4096, maxLength: 128)
    var queryKeyIsCredential: [Bool] = []
    var statusClassCounts = [Int](repeating: 0, count: 6)  // unknown,1xx..5xx
    var hourCounts = [Int](repeating: 0, count: 24)
    var dayCounts = [Int](repeating: 0, count: 7)
    var dayHourCounts = [Int](repeating: 0, count: 168)
    var total: [Int] = []
    var originStep: Int32 = 0
    var outOfRangeTimes = 0
    var seriesCells = 0
    var routeSeries = RouteSeriesLog()
    var seriesApproximate = false
    /// Times the per-route series went over budget and were trimmed (see `trimSeries()`).
    private(set) var seriesTrims = 0
    var reorder: ReorderBuffer<Event>
    var sessions: SessionTracker
    var sessionKeyKind = "client+agent"
    var minTime = Double.infinity
    var maxTime = -Double.infinity
    var requests = 0
    var withheldValues = 0
    var sources: [Provenance.Source] = []
    private var shapeScratch: [UInt8] = []
    private var parameterScratch: [RouteTemplater.Parameter] = []
    private var rangeScratch: [(Int, Int)] = []
    private var recordScratch: [UInt8] = []
    var released: [(time: Double, element: Event)] = []

    struct Event {
        var key: UInt64
        var shape: Int32
    }

    /// Creates an empty builder.
    public init(configuration: ProfilerConfiguration = ProfilerConfiguration()) {
        self.configuration = configuration
        templater = RouteTemplater(rules: configuration.templateRules)
        if case let .hash(salt) = configuration.redactor.clientPolicy { clientSalt = salt } else { clientSalt = nil }
        paths = ByteInterner(capacity: configuration.maxPaths, maxLength: 2048)
        shapes = ByteInterner(capacity: configuration.maxShapes, maxLength: 2048)
        agents = ByteInterner(capacity: configuration.maxAgents, maxLength: 512)
        clients = KeySet(limit: configuration.maxClients)
        reorder = ReorderBuffer(window: configuration.reorderWindowSeconds, capacity: configuration.reorderCapacity)
        sessions = SessionTracker(gap: configuration.inactivityGapSeconds, maxActive: configuration.maxActiveSessions, maxTransitions: configuration.maxTransitions)
        // Shape 0 gathers requests once the shape table is full.
        _ = shapes.intern(RouteProfile.otherRouteName)
        shapeStats.append(ShapeStats(parameters: [], valueCapacity: 2))
        shapeHasParameters.append(false)
        shapeSeriesDropped.append(false)
    }

    /// Requests observed so far.
    public var observedRequests: Int { requests }

    /// Notes a finished input in provenance (called by ``LogIngest`` per source).
    public mutating func recordSource(_ summary: LogReadSummary, format: String) {
        sources.append(Provenance.Source(
            name: summary.source, format: format, gzip: summary.gzip, bytes: summary.bytes, lines: summary.lines,
            parsed: summary.parsed, skipped: summary.skipped,
            skipReasons: summary.reasons.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
                .map { WeightedValue(value: $0.key, weight: Double($0.value) / Double(max(summary.skipped, 1)), count: $0.value) },
            firstSkipped: summary.firstSkipped.map { .init(line: $0.line, byteOffset: $0.byteOffset, reason: $0.reason) }))
    }

    /// Adds one record (the live path: the shadow proxy feeds records one by one).
    public mutating func add(_ record: RequestRecord) {
        recordScratch.removeAll(keepingCapacity: true)
        var offsets: [(Int, Int)] = []
        for text in [record.method, record.path, record.query ?? "", record.client ?? "", record.userAgent ?? "",
                     record.referrer ?? "", record.country ?? "", record.session ?? ""] {
            let start = recordScratch.count
            recordScratch.append(contentsOf: text.utf8)
            offsets.append((start, recordScratch.count))
        }
        recordScratch.withUnsafeBufferPointer { buffer in
            let base = buffer.baseAddress
            func span(_ i: Int) -> ByteSpan { ByteSpan(start: base.map { $0 + offsets[i].0 }, count: offsets[i].1 - offsets[i].0) }
            var fields = LogFields()
            fields.time = record.time
            fields.method = span(0)
            fields.path = span(1)
            fields.query = span(2)
            fields.client = span(3)
            fields.userAgent = record.userAgent == nil ? .empty : span(4)
            fields.referrer = span(5)
            fields.country = span(6)
            fields.session = span(7)
            fields.status = record.status ?? -1
            fields.responseBytes = record.responseBytes ?? -1
            fields.requestBytes = record.requestBytes ?? -1
            fields.latency = record.latency ?? -1
            observe(fields)
        }
        if let index = sources.firstIndex(where: { $0.name == "live" }) {
            sources[index].lines += 1
            sources[index].parsed += 1
        } else {
            sources.append(Provenance.Source(name: "live", format: "records", gzip: false, bytes: 0, lines: 1, parsed: 1, skipped: 0, skipReasons: [], firstSkipped: []))
        }
    }

    /// Observes one parsed line (the fast path; spans are read, never kept).
    public mutating func observe(_ fields: LogFields) {
        let time = fields.time
        guard time.isFinite else { return }
        requests += 1
        if time < minTime { minTime = time }
        if time > maxTime { maxTime = time }

        // Method (most lines repeat the previous line's method: compare its ≤ 8 bytes, skip the table)
        let method = methodID(fields.method)
        if Int(method) >= methodCounts.count { methodCounts.append(contentsOf: repeatElement(0, count: Int(method) + 1 - methodCounts.count)) }
        methodCounts[Int(method)] += 1

        // Path → shape
        let (shape, pathID) = shapeOf(fields.path)
        let s = Int(shape)
        let overflow = shapeCounters.count(shape: s, method: Int(method), status: fields.status)
        if overflow.methodOverflow {
            if Int(method) >= shapeStats[s].methodCounts.count {
                shapeStats[s].methodCounts.append(contentsOf: repeatElement(0, count: Int(method) + 1 - shapeStats[s].methodCounts.count))
            }
            shapeStats[s].methodCounts[Int(method)] += 1
        }
        if overflow.statusOverflow { shapeStats[s].countStatus(fields.status) }
        statusClassCounts[fields.status >= 100 && fields.status <= 599 ? fields.status / 100 : 0] += 1
        if fields.responseBytes >= 0 { shapeStats[s].responseBytes.record(Double(fields.responseBytes)) }
        if fields.requestBytes >= 0 { shapeStats[s].requestBytes.record(Double(fields.requestBytes)) }
        if fields.latency >= 0 { shapeStats[s].latency.record(fields.latency) }
        if !fields.contentType.isEmpty, shapeStats[s].contentTypes.count < 16 || shapeStats[s].contentTypes[fields.contentType.string] != nil {
            shapeStats[s].contentTypes[fields.contentType.string, default: 0] += 1
        }
        if shapeHasParameters[s] { recordParameters(fields.path, pathID: pathID, shape: s) }
        if !fields.query.isEmpty { recordQuery(fields.query, shape: s) }

        // Agent
        var agentSpan = fields.userAgent
        if agentSpan.isEmpty { agentSpan = ByteSpan(start: ("-" as StaticString).utf8Start, count: 1) }
        let agentHash: UInt64
        if let agent = agentID(agentSpan) {
            if Int(agent) == agentCounts.count { agentCounts.append(0) }
            agentCounts[Int(agent)] += 1
            agentHash = UInt64(agent) &* 0x9E37_79B9_7F4A_7C15
        } else {
            overflowAgentFamilies[UserAgentClassifier.family(of: agentSpan), default: 0] += 1
            agentHash = ByteInterner.hash(agentSpan.start, agentSpan.count)
        }

        // Client (pseudonymous key, in memory only)
        var clientKey: UInt64?
        if !fields.client.isEmpty {
            clientKey = clientSalt.map { Self.clientKey(fields.client, salt: $0) }
            // Consecutive requests often come from one client (a page and its assets): the set
            // already holds it (or was full for it), so skip the probe into the large set.
            if let clientKey, clientKey != lastClientKey {
                if !clients.insert(clientKey) { clientsCapped = true }
                lastClientKey = clientKey
            }
        }

        // Geo
        if !fields.country.isEmpty && !fields.country.isDash {
            countrySource = "field"
            countObserved(country: fields.country)
        } else if let table = configuration.geoTable, let country = table.country(of: fields.client) {
            if countrySource == "none" { countrySource = "prefix-table" }
            var text = country
            text.withUTF8 { countObserved(country: ByteSpan(start: $0.baseAddress, count: $0.count)) }
        } else {
            unknownCountry += 1
        }

        // Time of day / week (UTC); 1970-01-01 was a Thursday (ISO index 3).
        let seconds = Int(time.rounded(.down))
        let day = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let hour = (seconds - day * 86_400) / 3600
        let weekday = ((day % 7) + 7 + 3) % 7
        hourCounts[hour] += 1
        dayCounts[weekday] += 1
        dayHourCounts[weekday * 24 + hour] += 1

        // Session key: a logged session id, else client + agent.
        var key: UInt64
        if !fields.session.isEmpty {
            sessionKeyKind = "session-id"
            key = configuration.redactor.clientKey(UnsafeRawBufferPointer(fields.session.buffer)) ?? ByteInterner.hash(fields.session.start, fields.session.count)
        } else {
            key = (clientKey ?? 0) ^ agentHash
        }
        key = key == 0 ? 1 : key
        reorder.push(time: time, Event(key: key, shape: shape), into: &released)
        if !released.isEmpty {
            for item in released { deliver(time: item.time, event: item.element) }
            released.removeAll(keepingCapacity: true)
        }
    }

    /// A keyed 64-bit pseudonym of a client address, for in-memory grouping only (distinct
    /// counts, session keys; never written). The fast multiply–xorshift byte hash, keyed by the
    /// per-profile salt before and after: a SipHash per request cost ~3 % of a profiling run and
    /// buys nothing here, since the keys never leave the process.
    @inline(__always)
    static func clientKey(_ client: ByteSpan, salt: (UInt64, UInt64)) -> UInt64 {
        var h = ByteInterner.hash(client.start, client.count) ^ salt.0
        h = (h ^ (h >> 31)) &* 0xBF58_476D_1CE4_E5B9
        h = (h ^ salt.1 ^ (h >> 27)) &* 0x94D0_49BB_1331_11EB
        return h ^ (h >> 31)
    }

    /// The interned id of a user agent, `nil` when the agent table is full. The previous
    /// request's agent is remembered by its bytes: consecutive requests of one client repeat
    /// the same ~120-byte agent, and one `memcmp` is cheaper than hashing it and probing.
    @inline(__always)
    private mutating func agentID(_ span: ByteSpan) -> Int32? {
        if lastAgentID >= 0, span.count > 0, span.count == lastAgentBytes.count, let start = span.start,
           lastAgentBytes.withUnsafeBufferPointer({ ByteInterner.bytesEqual($0.baseAddress!, start, span.count) }) {
            return lastAgentID
        }
        guard let id = agents.intern(span) else {
            lastAgentID = -1
            return nil
        }
        lastAgentID = id
        lastAgentBytes.removeAll(keepingCapacity: true)
        lastAgentBytes.append(contentsOf: span.buffer)
        return id
    }

    /// The interned id of a method (0 when the method table is full). Methods of up to 7 bytes
    /// are packed into one word and compared with the previous line's.
    @inline(__always)
    private mutating func methodID(_ span: ByteSpan) -> Int32 {
        guard span.count > 0, span.count < 8, let start = span.start else { return methods.intern(span) ?? 0 }
        var key = UInt64(span.count) << 56
        for index in 0..<span.count { key |= UInt64(start[index]) << UInt64(8 * index) }
        if key == lastMethodKey { return lastMethodID }
        let id = methods.intern(span) ?? 0
        lastMethodKey = key
        lastMethodID = id
        return id
    }

    private mutating func countObserved(country: ByteSpan) {
        guard let id = countries.intern(country) else { unknownCountry += 1; return }
        if Int(id) == countryCounts.count { countryCounts.append(0) }
        countryCounts[Int(id)] += 1
    }

    /// The shape id of a path (cached per distinct path) and the path's interned id when it has one.
    private mutating func shapeOf(_ path: ByteSpan) -> (shape: Int32, path: Int32?) {
        if path.count <= paths.maxLength, let known = paths.lookup(path) { return (pathShapes[Int(known)], known) }
        templater.shape(of: path, into: &shapeScratch, parameters: &parameterScratch, ranges: &rangeScratch)
        let shape: Int32 = shapeScratch.withUnsafeBufferPointer { buffer in
            shapes.intern(ByteSpan(start: buffer.baseAddress, count: buffer.count)) ?? 0
        }
        if Int(shape) == shapeStats.count {
            shapeStats.append(ShapeStats(parameters: parameterScratch, valueCapacity: configuration.topValues * 2))
            shapeHasParameters.append(!parameterScratch.isEmpty)
            shapeSeriesDropped.append(false)
        }
        if shapeStats[Int(shape)].examples.count < 3, !SegmentKind.looksSecret(path.start, path.count),
           !parameterScratch.contains(where: { parameter in SegmentKind.looksSecret(path.start.map { $0 + parameter.valueStart }, parameter.valueEnd - parameter.valueStart) }) {
            let example = path.string
            if !shapeStats[Int(shape)].examples.contains(example) { shapeStats[Int(shape)].examples.append(example) }
        }
        // Paths longer than the interner keeps are not cached (their stored prefix is ambiguous).
        guard path.count <= paths.maxLength, let id = paths.intern(path) else { return (shape, nil) }
        pathShapes.append(shape)
        pathParameterOffsets.append(Int32(pathParameterRanges.count))
        for parameter in parameterScratch {
            pathParameterRanges.append(Int32(parameter.valueStart))
            pathParameterRanges.append(Int32(parameter.valueEnd))
        }
        return (shape, id)
    }

    private mutating func recordParameters(_ path: ByteSpan, pathID: Int32?, shape: Int) {
        guard let base = path.start else { return }
        if let pathID {
            let from = Int(pathParameterOffsets[Int(pathID)])
            let to = Int(pathID) + 1 < pathParameterOffsets.count ? Int(pathParameterOffsets[Int(pathID) + 1]) : pathParameterRanges.count
            let count = min((to - from) / 2, shapeStats[shape].parameters.count)
            for i in 0..<count {
                let start = Int(pathParameterRanges[from + 2 * i]), end = Int(pathParameterRanges[from + 2 * i + 1])
                shapeStats[shape].parameters[i].values.record(ByteSpan(start: base + start, count: end - start))
            }
            return
        }
        templater.shape(of: path, into: &shapeScratch, parameters: &parameterScratch, ranges: &rangeScratch)
        let count = min(parameterScratch.count, shapeStats[shape].parameters.count)
        for i in 0..<count {
            let parameter = parameterScratch[i]
            shapeStats[shape].parameters[i].values.record(ByteSpan(start: base + parameter.valueStart, count: parameter.valueEnd - parameter.valueStart))
        }
    }

    private mutating func recordQuery(_ query: ByteSpan, shape: Int) {
        guard let base = query.start else { return }
        var start = 0
        while start <= query.count {
            let end = ByteScanPublic.find(UInt8(ascii: "&"), base, from: start, end: query.count)
            if end > start {
                let equals = ByteScanPublic.find(UInt8(ascii: "="), base, from: start, end: end)
                let keySpan = ByteSpan(start: base + start, count: equals - start)
                if let key = queryKeys.intern(keySpan) {
                    if Int(key) == queryKeyIsCredential.count { queryKeyIsCredential.append(Redactor.isCredentialKey(keySpan.string)) }
                    shapeStats[shape].queryKeyCounts[key, default: 0] += 1
                    if !queryKeyIsCredential[Int(key)] && equals < end {
                        let value = ByteSpan(start: base + equals + 1, count: end - equals - 1)
                        let capacity = configuration.topValues * 2
                        shapeStats[shape].queryValues[key, default: ValueSketch(capacity: capacity)].record(value)
                    }
                }
            }
            start = end + 1
        }
    }

    /// An event leaves the reorder buffer (in time order, or late at the window's edge).
    mutating func deliver(time: Double, event: Event) {
        let stepIndex = (time / configuration.stepSeconds).rounded(.down)
        guard stepIndex.magnitude < 2e9 else { outOfRangeTimes += 1; return }
        let step = Int32(stepIndex)
        if total.isEmpty {
            originStep = step
            total = [0]
        }
        if step < originStep {
            let extra = Int(originStep - step)
            guard total.count + extra <= configuration.maxSteps else { outOfRangeTimes += 1; return }
            total.insert(contentsOf: repeatElement(0, count: extra), at: 0)
            originStep = step
        }
        let index = Int(step - originStep)
        if index >= total.count {
            guard index < configuration.maxSteps else { outOfRangeTimes += 1; return }
            total.append(contentsOf: repeatElement(0, count: index + 1 - total.count))
        }
        total[index] += 1
        let s = Int(event.shape)
        if !shapeSeriesDropped[s] {
            let added = routeSeries.add(step: step, shape: event.shape)
            if added > 0 {
                seriesCells += added
                if seriesCells > configuration.seriesCellBudget { trimSeries() }
            }
        }
        sessions.observe(key: event.key, time: time, shape: event.shape, step: step)
    }

    /// Over budget: keep per-step cells only for the busiest shapes.
    ///
    /// The busiest `4 × topRoutes` shapes are kept, fewer when their cells alone would fill more
    /// than three quarters of the budget (a long span at a fine step): a trim always leaves at
    /// most that, so the next one comes only after a quarter of the budget in new cells, and
    /// trimming stays linear in the log's size (before, a span whose kept shapes filled the
    /// budget trimmed again at every new step: 360 s instead of 14 s for a 14-year log at
    /// one-hour steps).
    private mutating func trimSeries() {
        seriesTrims += 1
        routeSeries.flush()
        let counts = shapeStats.indices.map { shapeStats[$0].count + shapeCounters.requests($0) }
        let cells = routeSeries.cellCounts(shapeCount: shapeStats.count)
        var keep = Set<Int>()
        var kept = 0
        for index in shapeStats.indices.sorted(by: { counts[$0] > counts[$1] }).prefix(configuration.topRoutes * 4) {
            guard !shapeStats[index].seriesDropped else { continue }
            if kept + cells[index] > configuration.seriesCellBudget / 4 * 3 { break }
            keep.insert(index)
            kept += cells[index]
        }
        for index in shapeStats.indices where !keep.contains(index) && !shapeStats[index].seriesDropped {
            shapeStats[index].seriesDropped = true
            shapeSeriesDropped[index] = true
            seriesApproximate = true
        }
        let dropped = shapeStats.map(\.seriesDropped)
        routeSeries.retain { !dropped[Int($0)] }
        seriesCells = routeSeries.cells
    }
}

/// Public re-export of the byte scanning helper for the profiler.
enum ByteScanPublic {
    @inline(__always)
    static func find(_ byte: UInt8, _ base: UnsafePointer<UInt8>, from: Int, end: Int) -> Int {
        guard from < end else { return end }
        guard let hit = memchr(base + from, Int32(byte), end - from) else { return end }
        return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
    }
}
