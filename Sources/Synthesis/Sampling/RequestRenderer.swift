import Profiler
import Traffic

/// A hot key resolved to a route's parameter and a pooled value.
struct CompiledHotKey: Sendable, Equatable {
    var route: Int
    var parameter: Int
    var value: ByteRef
    var probability: Double
    /// `probability` as a ``RequestRandom/chance(_:)`` threshold.
    var threshold: UInt64
}

/// Serializes requests straight into a ``ByteArena``: HTTP/1.1 request line, `Host`,
/// `User-Agent`, the geo header, `Content-Type`/`Content-Length` and a body for methods with a
/// body. Everything constant is precompiled into one ``BytePool``; rendering allocates nothing,
/// retains nothing, and writes through a ``ByteCursor`` whose room was checked once per request.
///
/// Not thread-safe: owned by one ``ScheduleGenerator``.
final class RequestRenderer {
    private(set) var pool: BytePool
    var routes: [CompiledRoute]
    /// The same routes, read through a pointer while rendering.
    let routeTable: RouteTable
    /// ` HTTP/1.1\r\nHost: …\r\nUser-Agent: …\r\n<geo line>` for every agent × country, when
    /// there are at most ``maxHeadBlocks`` pairs (one copy instead of three per request).
    let headBlocks: [ByteRef]?
    /// ``bound(route:)`` by route.
    private(set) var routeBounds: [Int]
    /// Largest request this renderer can write (body and faults included, given `faultBytes`).
    private(set) var worstRequestBytes: Int
    /// ` HTTP/1.1\r\nHost: …\r\n`.
    let requestLineEnd: ByteRef
    /// `User-Agent: …\r\n` lines.
    let agentLines: [ByteRef]
    let agentAlias: AliasTable
    /// `X-Geo-Country: …\r\n` lines; an empty ref stands for "unknown" (no header).
    let geoLines: [ByteRef]
    let geoAlias: AliasTable
    let contentLengthPrefix: ByteRef
    let crlf: ByteRef
    let badHeaderLine: ByteRef
    let paddingPrefix: ByteRef
    /// Prefix of synthetic credential values (`synthetic-` + 16 hex digits).
    let credentialPrefix: ByteRef
    let payloadScale: Double
    /// Bound of header bytes beyond a route's `maxBytes`.
    let maxHeaderBytes: Int

    /// Most agent × country head blocks precomputed.
    static let maxHeadBlocks = 4096

    /// The `User-Agent` used for the weight of agents outside the profile's top list.
    static let otherAgent = "Mozilla/5.0 (compatible; shadowcast-synthetic/1.0)"

    init(profile: RequestProfile, options: SynthesisOptions, plan: RatePlan) throws {
        var pool = BytePool()
        var compiled: [CompiledRoute] = []
        let byName = Dictionary(([profile.other].compactMap { $0 } + profile.routes).map { ($0.route, $0) }, uniquingKeysWith: { _, b in b })
        for name in plan.routeNames {
            let salt = mix64(options.seed ^ stableHash(name))
            if let route = byName[name] {
                compiled.append(CompiledRoute(profile: route, fallbackMethods: profile.methods, options: options, routeSalt: salt, pool: &pool))
            } else if let surge = options.scenario?.events.compactMap(\.surge).first(where: { $0.route == name }) {
                compiled.append(CompiledRoute(surge: surge, options: options, routeSalt: salt, pool: &pool))
            } else {
                throw SynthesisError.unusableProfile("route '\(name)' has no model")
            }
        }
        routes = compiled
        guard !options.host.isEmpty, !options.host.utf8.contains(where: { $0 < 33 || $0 > 126 }) else {
            throw SynthesisError.invalidOption(field: "host", detail: "'\(options.host)' is not a valid Host header value")
        }
        requestLineEnd = pool.add(" HTTP/1.1\r\nHost: " + options.host + "\r\n")

        var agents: [(String, Double)]
        if let override = options.userAgents {
            agents = override.map { ($0.value, $0.weight) }
        } else {
            agents = profile.userAgents.top.filter { $0.agent != "-" && !$0.agent.isEmpty }.map { ($0.agent, $0.weight) }
            let covered = agents.reduce(0) { $0 + $1.1 }
            let other = max(profile.userAgents.otherWeight, 1 - covered - profile.userAgents.top.filter { $0.agent == "-" || $0.agent.isEmpty }.reduce(0) { $0 + $1.weight })
            if other > 1e-9 || agents.isEmpty { agents.append((Self.otherAgent, max(other, agents.isEmpty ? 1 : 0))) }
        }
        var agentMax = 0
        agentLines = agents.map { agent in
            let line = Array("User-Agent: ".utf8) + sanitizedHeaderValue(agent.0) + [13, 10]
            agentMax = max(agentMax, line.count)
            return pool.add(line)
        }
        agentAlias = AliasTable(weights: agents.map(\.1))

        guard options.geoHeader.utf8.allSatisfy({ $0 > 32 && $0 < 127 && $0 != 58 }), !options.geoHeader.isEmpty else {
            throw SynthesisError.invalidOption(field: "geo-header", detail: "'\(options.geoHeader)' is not a valid header name")
        }
        var countries: [(String?, Double)]
        if let override = options.geo {
            countries = override.map { ($0.value, $0.weight) }
        } else {
            countries = profile.geo.countries.map { ($0.value, $0.weight) }
            if profile.geo.unknownWeight > 0 || countries.isEmpty { countries.append((nil, max(profile.geo.unknownWeight, countries.isEmpty ? 1 : 0))) }
        }
        var geoMax = 0
        geoLines = countries.map { country in
            guard let value = country.0, value != "unknown" else { return ByteRef(start: 0, count: 0) }
            let line = Array((options.geoHeader + ": ").utf8) + sanitizedHeaderValue(value) + [13, 10]
            geoMax = max(geoMax, line.count)
            return pool.add(line)
        }
        geoAlias = AliasTable(weights: countries.map(\.1))
        contentLengthPrefix = pool.add("Content-Length: ")
        crlf = pool.add("\r\n")
        badHeaderLine = pool.add("X-Shadowcast Malformed Header Line Without Colon\r\n")
        paddingPrefix = pool.add("X-Shadowcast-Padding: ")
        credentialPrefix = pool.add("synthetic-")
        payloadScale = max(0, options.payloadScale)
        maxHeaderBytes = Int(requestLineEnd.count) + agentMax + geoMax + 64 + 64
        if agentLines.count * geoLines.count <= Self.maxHeadBlocks {
            var blocks: [ByteRef] = []
            for agent in agentLines {
                for geo in geoLines {
                    blocks.append(pool.add(Array(pool.slice(requestLineEnd)) + Array(pool.slice(agent)) + Array(pool.slice(geo))))
                }
            }
            headBlocks = blocks
        } else {
            headBlocks = nil
        }
        let faultHeaderBytes = Int(badHeaderLine.count) + Int(paddingPrefix.count) + 2
        var bounds: [Int] = []
        var worst = 0
        for route in compiled {
            let bound = route.maxBytes + maxHeaderBytes + faultHeaderBytes + ByteCursor.overrun
            bounds.append(bound)
            worst = max(worst, bound + max(route.maxBodyBytes(payloadScale: max(0, options.payloadScale)), 64))
        }
        routeBounds = bounds
        worstRequestBytes = worst
        routeTable = RouteTable(compiled)
        self.pool = pool
    }

    /// Resolves a plan's hot keys to parameter indices and pooled values (and widens the
    /// request bounds of their routes by the value's length).
    func compile(hotKeys: [RatePlan.ActiveHotKey]) throws -> [CompiledHotKey] {
        try hotKeys.map { key in
            guard let parameter = routes[key.route].parameterIndex(key.parameter) else {
                throw SynthesisError.invalidOption(
                    field: "scenario hotKey.parameter",
                    detail: "route '\(routes[key.route].name)' has no parameter '\(key.parameter)' (has: \(routes[key.route].parameterNames.joined(separator: ", ")))")
            }
            let value = pool.add(percentEncodedForTarget(key.value))
            routeBounds[key.route] += Int(value.count)
            worstRequestBytes += Int(value.count)
            return CompiledHotKey(
                route: key.route, parameter: parameter, value: value, probability: key.probability,
                threshold: probabilityThreshold(key.probability))
        }
    }

    /// Widens ``worstRequestBytes`` by the largest fault padding.
    func allow(faultBytes: Int) { worstRequestBytes += max(0, faultBytes) }

    /// Upper bound of the bytes one request of route `index` writes, apart from its body and
    /// fault padding (checked once per request instead of once per write).
    @inline(__always)
    func bound(route index: Int) -> Int { routeBounds[index] }

    /// Writes one request at `out` (which has at least `bound(route:)` + body + fault bytes
    /// reserved). `hotKeys` are the hot keys of the request's segment.
    @inline(__always)
    func render(
        route index: Int, hotKeys: UnsafeBufferPointer<CompiledHotKey>, fault: CompiledFault?, bodySize: Int,
        method: Int, random: inout RequestRandom, out: inout ByteCursor, pool base: UnsafePointer<UInt8>
    ) {
        let route = routeTable.routes.baseAddress! + index
        out.copy(route.pointee.leads[method], from: base)
        if route.pointee.examples.isEmpty {
            for position in route.pointee.pieceStart..<route.pointee.pieces.count {
                switch route.pointee.pieces[position] {
                case let .literal(ref):
                    out.copy(ref, from: base)
                case let .parameter(p):
                    var written = false
                    for key in hotKeys where key.route == index && key.parameter == p {
                        if random.chance(key.threshold) {
                            out.copy(key.value, from: base)
                            written = true
                        }
                        break
                    }
                    if !written { route.pointee.parameters[p].write(&out, pool: base, random: &random) }
                }
            }
        } else {
            let column = Int(((random.next() >> 32) &* UInt64(route.pointee.examples.count)) >> 32)
            out.copy(route.pointee.examples[column], from: base)
        }
        let queryCount = route.pointee.query.count
        if queryCount > 0 {
            var separator: UInt8 = 63 // '?'
            for q in 0..<queryCount where random.chance(route.pointee.query[q].frequencyThreshold) {
                out.byte(separator)
                separator = 38 // '&'
                out.copy(route.pointee.query[q].prefix, from: base)
                if !route.pointee.query[q].credential {
                    route.pointee.query[q].values.write(&out, pool: base, random: &random)
                } else {
                    // Credential keys: a synthetic value, never a real one.
                    out.copy(credentialPrefix, from: base)
                    let hexDigits: StaticString = "0123456789abcdef"
                    let digits = hexDigits.utf8Start
                    var h = random.next()
                    for _ in 0..<16 { out.byte(digits[Int(h & 15)]); h >>= 4 }
                }
            }
        }
        let agent = agentAlias.sample(bits: random.next())
        let geo = geoAlias.sample(bits: random.next())
        if let headBlocks {
            out.copy(headBlocks[agent &* geoLines.count &+ geo], from: base)
        } else {
            out.copy(requestLineEnd, from: base)
            out.copy(agentLines[agent], from: base)
            out.copy(geoLines[geo], from: base)
        }
        guard let fault else {
            if bodySize > 0 || route.pointee.methodHasBody[method] {
                writeBody(route: route, bodySize: bodySize, claimed: bodySize, sent: bodySize, out: &out, pool: base)
            } else {
                out.byte(13); out.byte(10)
            }
            return
        }
        switch fault.kind {
        case .badHeaderLine:
            out.copy(badHeaderLine, from: base)
        case .oversizedHeaders:
            out.copy(paddingPrefix, from: base)
            out.fill(97, max(0, fault.bytes - Int(paddingPrefix.count) - 2))
            out.byte(13); out.byte(10)
        default:
            break
        }
        let hasBody = route.pointee.methodHasBody[method]
        if hasBody || fault.kind == .truncatedBody || fault.kind == .wrongContentLength {
            let claimed = fault.kind == .wrongContentLength ? bodySize + fault.bytes : bodySize
            let sent = fault.kind == .truncatedBody ? bodySize / 2 : bodySize
            writeBody(
                route: route, bodySize: bodySize, claimed: claimed, sent: sent, out: &out, pool: base,
                contentType: hasBody || fault.kind == .truncatedBody)
        } else {
            out.byte(13); out.byte(10)
        }
    }

    /// `Content-Type`, `Content-Length: claimed`, the blank line and `sent` bytes of the body.
    @inline(__always)
    private func writeBody(
        route: UnsafeMutablePointer<CompiledRoute>, bodySize: Int, claimed: Int, sent: Int, out: inout ByteCursor,
        pool base: UnsafePointer<UInt8>, contentType: Bool = true
    ) {
        if contentType { out.copy(route.pointee.contentTypeLine, from: base) }
        out.copy(contentLengthPrefix, from: base)
        out.decimal(claimed)
        out.byte(13); out.byte(10); out.byte(13); out.byte(10)
        if let template = route.pointee.bodyTemplate {
            out.copy(base + Int(template.start), min(sent, Int(template.count)))
            if sent > Int(template.count) { out.fill(32, sent - Int(template.count)) }
        } else {
            Self.writeFiller(&out, size: sent, fullSize: bodySize)
        }
    }

    /// The method index and body size of a request of route `index` (drawn before the bytes so
    /// that the room for the whole request is checked once).
    @inline(__always)
    func methodAndBody(route index: Int, fault: CompiledFault?, random: inout RequestRandom) -> (method: Int, bodySize: Int) {
        let route = routeTable.routes.baseAddress! + index
        let method = route.pointee.methodAlias.sample(bits: random.next())
        var bodySize = 0
        if route.pointee.methodHasBody[method] {
            if let template = route.pointee.bodyTemplate {
                bodySize = Int(template.count)
            } else {
                bodySize = Int(max(0, route.pointee.bodySizes.value(at: random.nextUnit()) * payloadScale) + 0.5)
            }
        }
        if let fault, fault.kind == .truncatedBody, bodySize == 0 { bodySize = 64 }
        return (method, bodySize)
    }

    /// JSON filler of exactly `size` bytes (`{"pad":"xxx…"}`); a truncated body is the first
    /// `size` bytes of a `fullSize` filler.
    @inline(__always)
    static func writeFiller(_ out: inout ByteCursor, size: Int, fullSize: Int) {
        guard size > 0 else { return }
        if fullSize < 10 {
            out.byte(48)
            out.fill(32, size - 1)
            return
        }
        let head: StaticString = "{\"pad\":\""
        let headCount = min(size, 8)
        out.copy(head.utf8Start, headCount)
        let middle = min(size, fullSize - 2) - headCount
        if middle > 0 { out.fill(120, middle) }
        let tail = size - headCount - max(0, middle)
        if tail > 0 {
            let close: StaticString = "\"}"
            out.copy(close.utf8Start, tail)
        }
    }
}

/// The compiled routes in one fixed allocation, so that rendering reads them through a pointer
/// (a borrow) instead of copying a route struct and retaining its arrays per request.
/// Immutable after init; owned by one ``RequestRenderer``.
final class RouteTable {
    let routes: UnsafeMutableBufferPointer<CompiledRoute>
    let count: Int

    init(_ compiled: [CompiledRoute]) {
        count = compiled.count
        routes = .allocate(capacity: max(1, compiled.count))
        _ = routes.initialize(from: compiled)
    }

    deinit {
        routes.baseAddress!.deinitialize(count: count)
        routes.deallocate()
    }
}
