import Profiler
import Traffic

/// A hot key resolved to a route's parameter and a pooled value.
struct CompiledHotKey: Sendable, Equatable {
    var route: Int
    var parameter: Int
    var value: ByteRef
    var probability: Double
}

/// Serializes requests straight into a ``ByteArena``: HTTP/1.1 request line, `Host`,
/// `User-Agent`, the geo header, `Content-Type`/`Content-Length` and a body for methods with a
/// body. Everything constant is precompiled into one ``BytePool``; rendering allocates nothing.
struct RequestRenderer: Sendable {
    var pool: BytePool
    var routes: [CompiledRoute]
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
        self.pool = pool
    }

    /// Resolves a plan's hot keys to parameter indices and pooled values.
    mutating func compile(hotKeys: [RatePlan.ActiveHotKey]) throws -> [CompiledHotKey] {
        try hotKeys.map { key in
            guard let parameter = routes[key.route].parameterIndex(key.parameter) else {
                throw SynthesisError.invalidOption(
                    field: "scenario hotKey.parameter",
                    detail: "route '\(routes[key.route].name)' has no parameter '\(key.parameter)' (has: \(routes[key.route].parameterNames.joined(separator: ", ")))")
            }
            return CompiledHotKey(route: key.route, parameter: parameter, value: pool.add(percentEncodedForTarget(key.value)), probability: key.probability)
        }
    }

    /// Writes one request. Returns nothing; the arena's count grows by the request's length.
    @inline(__always)
    func render(
        route index: Int, hotKeys: [CompiledHotKey], fault: CompiledFault?, random: inout SeededRandom,
        arena: ByteArena, pool base: UnsafePointer<UInt8>
    ) {
        let route = routes[index]
        let method = route.methodAlias.sample(&random)
        var bodySize = 0
        let hasBody = route.methodHasBody[method]
        if hasBody {
            if let template = route.bodyTemplate {
                bodySize = Int(template.count)
            } else {
                bodySize = Int((route.bodySizes.sample(&random) * payloadScale).rounded())
            }
            bodySize = max(0, bodySize)
        }
        var extra = 0
        if let fault {
            if fault.kind == .oversizedHeaders { extra = fault.bytes }
            if fault.kind == .truncatedBody && bodySize == 0 { bodySize = 64 }
        }
        arena.reserve(route.maxBytes + maxHeaderBytes + bodySize + extra + 64)

        @inline(__always) func copy(_ ref: ByteRef) { arena.append(base + Int(ref.start), Int(ref.count)) }

        copy(route.methods[method])
        if route.examples.isEmpty {
            for piece in route.pieces {
                switch piece {
                case let .literal(ref):
                    copy(ref)
                case let .parameter(p):
                    var written = false
                    for key in hotKeys where key.route == index && key.parameter == p {
                        if random.nextUnit() < key.probability {
                            copy(key.value)
                            written = true
                        }
                        break
                    }
                    if !written { route.parameters[p].write(arena, pool: base, random: &random) }
                }
            }
        } else {
            copy(route.examples[Int(((random.next() >> 32) &* UInt64(route.examples.count)) >> 32)])
        }
        var separator: UInt8 = 63 // '?'
        for key in route.query where random.nextUnit() < key.frequency {
            arena.append(separator)
            separator = 38 // '&'
            copy(key.prefix)
            if let values = key.values {
                values.write(arena, pool: base, random: &random)
            } else {
                // Credential keys: a synthetic value, never a real one.
                copy(credentialPrefix)
                let hexDigits: StaticString = "0123456789abcdef"
                var h = random.next()
                for _ in 0..<16 { arena.append(hexDigits.utf8Start[Int(h & 15)]); h >>= 4 }
            }
        }
        copy(requestLineEnd)
        copy(agentLines[agentAlias.sample(&random)])
        let geo = geoLines[geoAlias.sample(&random)]
        if geo.count > 0 { copy(geo) }
        if let fault {
            switch fault.kind {
            case .badHeaderLine:
                copy(badHeaderLine)
            case .oversizedHeaders:
                copy(paddingPrefix)
                arena.fill(97, max(0, extra - Int(paddingPrefix.count) - 2))
                copy(crlf)
            default:
                break
            }
        }
        if hasBody || fault?.kind == .truncatedBody || fault?.kind == .wrongContentLength {
            if hasBody || fault?.kind == .truncatedBody { copy(route.contentTypeLine) }
            copy(contentLengthPrefix)
            let claimed = fault?.kind == .wrongContentLength ? bodySize + fault!.bytes : bodySize
            arena.appendDecimal(claimed)
            copy(crlf)
            copy(crlf)
            let sent = fault?.kind == .truncatedBody ? bodySize / 2 : bodySize
            if let template = route.bodyTemplate, hasBody {
                arena.append(base + Int(template.start), min(sent, Int(template.count)))
                if sent > Int(template.count) { arena.fill(32, sent - Int(template.count)) }
            } else {
                Self.writeFiller(arena, size: sent, fullSize: bodySize)
            }
        } else {
            copy(crlf)
        }
    }

    /// JSON filler of exactly `size` bytes (`{"pad":"xxx…"}`); a truncated body is the first
    /// `size` bytes of a `fullSize` filler.
    @inline(__always)
    static func writeFiller(_ arena: ByteArena, size: Int, fullSize: Int) {
        guard size > 0 else { return }
        if fullSize < 10 {
            arena.fill(48, 1)
            arena.fill(32, size - 1)
            return
        }
        let head: StaticString = "{\"pad\":\""
        let headCount = min(size, 8)
        arena.append(head.utf8Start, headCount)
        let middle = min(size, fullSize - 2) - headCount
        if middle > 0 { arena.fill(120, middle) }
        let tail = size - headCount - max(0, middle)
        if tail > 0 {
            let close: StaticString = "\"}"
            arena.append(close.utf8Start, tail)
        }
    }
}
