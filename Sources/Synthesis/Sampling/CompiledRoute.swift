import Profiler
import Traffic

/// One route compiled into byte pieces and samplers, so that rendering a request is a sequence
/// of copies from the pool and a few random draws.
struct CompiledRoute: Sendable {
    /// A piece of the request target.
    enum PathPiece: Sendable, Equatable {
        case literal(ByteRef)
        case parameter(Int)
    }

    /// A query key.
    struct QueryKey: Sendable {
        /// `key=` bytes.
        var prefix: ByteRef
        /// Fraction of the route's requests carrying it.
        var frequency: Double
        /// `frequency` as a ``RequestRandom/chance(_:)`` threshold.
        var frequencyThreshold: UInt64
        /// Credential keys get a synthetic value instead of a sampled one (their `values`
        /// sampler is then an empty one, never used).
        var credential: Bool
        /// Value sampler.
        var values: ValueSampler
    }

    var name: String
    /// `GET ` etc.
    var methods: [ByteRef]
    var methodHasBody: [Bool]
    var methodAlias: AliasTable
    /// The method joined with the first literal piece (`GET /products/`), by method; rendering
    /// starts with one of these and continues at ``pieceStart``.
    var leads: [ByteRef]
    var pieceStart: Int
    var pieces: [PathPiece]
    /// Raw example paths (used by `{other}` instead of pieces).
    var examples: [ByteRef]
    var parameterNames: [String]
    var parameters: [ValueSampler]
    var query: [QueryKey]
    var bodySizes: QuantileSampler
    /// Fixed body bytes (a user template), if any.
    var bodyTemplate: ByteRef?
    /// `Content-Type: …\r\n`.
    var contentTypeLine: ByteRef
    /// Bound of the bytes written apart from the body and faults.
    var maxBytes: Int

    static let bodyMethods: Set<String> = ["POST", "PUT", "PATCH"]

    init(
        profile route: RouteProfile, fallbackMethods: [WeightedValue], options: SynthesisOptions,
        routeSalt: UInt64, pool: inout BytePool
    ) {
        name = route.route
        var methodValues = route.methods.filter { $0.weight > 0 }
        if methodValues.isEmpty { methodValues = fallbackMethods.filter { $0.weight > 0 } }
        if methodValues.isEmpty { methodValues = [WeightedValue(value: "GET", weight: 1, count: 0)] }
        methods = methodValues.map { pool.add(Array(Self.token($0.value).utf8) + [32]) }
        methodHasBody = methodValues.map { Self.bodyMethods.contains(Self.token($0.value)) }
        methodAlias = AliasTable(weights: methodValues.map(\.weight))

        let models = Dictionary(route.parameters.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        var pieces: [PathPiece] = []
        var names: [String] = []
        var samplers: [ValueSampler] = []
        var bound = 64
        if route.route == RouteProfile.otherRouteName {
            examples = route.examples.map { pool.add(percentEncodedForTarget($0, allowSlash: true)) }
            if examples.isEmpty { examples = [pool.add("/")] }
            bound += route.examples.map(\.utf8.count).max() ?? 1
            bound += (route.examples.map(\.utf8.count).max() ?? 1) * 2
        } else {
            examples = []
            for part in Self.templateParts(route.route) {
                switch part {
                case let .literal(text):
                    let bytes = percentEncodedForTarget(text, allowSlash: true)
                    pieces.append(.literal(pool.add(bytes)))
                    bound += bytes.count
                case let .parameter(parameterName):
                    let model = models[parameterName]
                    let sampler = ValueSampler(
                        model: model?.values, kind: ValueKind(profileKind: model?.kind ?? "integer"),
                        salt: routeSalt ^ stableHash(parameterName), pool: &pool)
                    pieces.append(.parameter(samplers.count))
                    names.append(parameterName)
                    samplers.append(sampler)
                    bound += sampler.maxBytes
                }
            }
        }
        self.pieces = pieces
        parameterNames = names
        parameters = samplers
        query = route.queryKeys.filter { $0.frequency > 0 }.map { key in
            let prefix = pool.add(percentEncodedForTarget(key.key) + [61])
            bound += Int(prefix.count) + 48
            let sampler = key.credential ? nil : ValueSampler(
                model: key.values, kind: .text, salt: routeSalt ^ stableHash("?" + key.key), pool: &pool)
            bound += sampler?.maxBytes ?? 0
            return QueryKey(
                prefix: prefix, frequency: min(1, key.frequency),
                frequencyThreshold: probabilityThreshold(min(1, key.frequency)), credential: sampler == nil,
                values: sampler ?? ValueSampler(model: nil, kind: .text, salt: 0, pool: &pool))
        }
        bodySizes = QuantileSampler(route.requestBytes, fallback: 128)
        if let template = options.bodyTemplates[route.route] {
            bodyTemplate = pool.add(template.bytes)
            contentTypeLine = pool.add("Content-Type: " + template.contentType + "\r\n")
        } else {
            bodyTemplate = nil
            contentTypeLine = pool.add("Content-Type: application/json\r\n")
        }
        bound += Int(contentTypeLine.count) + 40
        if case let .literal(first)? = pieces.first {
            leads = methods.map { method in pool.add(Array(pool.slice(method)) + Array(pool.slice(first))) }
            pieceStart = 1
        } else {
            leads = methods
            pieceStart = 0
        }
        bound += methods.map { Int($0.count) }.max() ?? 0
        maxBytes = bound
    }

    /// Largest body a request of this route can carry.
    func maxBodyBytes(payloadScale: Double) -> Int {
        guard methodHasBody.contains(true) else { return 0 }
        if let bodyTemplate { return Int(bodyTemplate.count) }
        let largest = (bodySizes.maxValue * payloadScale).rounded()
        return largest.isFinite && largest > 0 ? Int(min(largest, Double(Int32.max))) : 0
    }

    /// A surge route from a scenario.
    init(surge: ScenarioEvent.Surge, options: SynthesisOptions, routeSalt: UInt64, pool: inout BytePool) {
        let profile = RouteProfile(
            route: surge.route, count: 0, share: 0,
            methods: [WeightedValue(value: surge.method, weight: 1, count: 0)], statuses: [],
            requestBytes: surge.bodyBytes > 0
                ? QuantileSummary(count: 1, min: Double(surge.bodyBytes), max: Double(surge.bodyBytes), mean: Double(surge.bodyBytes), probabilities: [0, 1], values: [Double(surge.bodyBytes), Double(surge.bodyBytes)])
                : nil,
            responseBytes: nil, latencySeconds: nil, queryKeys: [], parameters: [], contentType: nil, examples: [])
        self.init(profile: profile, fallbackMethods: [], options: options, routeSalt: routeSalt, pool: &pool)
        if surge.bodyBytes <= 0 { bodySizes = QuantileSampler(nil, fallback: 0) }
    }

    /// Index of a parameter by name.
    func parameterIndex(_ name: String) -> Int? { parameterNames.firstIndex(of: name) }

    enum TemplatePart: Equatable {
        case literal(String)
        case parameter(String)
    }

    /// Splits `/users/{id}/posts` into literal and `{parameter}` parts.
    static func templateParts(_ template: String) -> [TemplatePart] {
        var parts: [TemplatePart] = []
        var literal = ""
        var rest = Substring(template.isEmpty ? "/" : template)
        while let open = rest.firstIndex(of: "{") {
            guard let close = rest[open...].firstIndex(of: "}") else { break }
            literal += rest[..<open]
            if !literal.isEmpty { parts.append(.literal(literal)); literal = "" }
            parts.append(.parameter(String(rest[rest.index(after: open)..<close])))
            rest = rest[rest.index(after: close)...]
        }
        literal += rest
        if !literal.isEmpty { parts.append(.literal(literal)) }
        if case .literal(let first)? = parts.first, first.hasPrefix("/") {} else { parts.insert(.literal("/"), at: 0) }
        return parts
    }

    /// A method token (letters only, upper-cased).
    static func token(_ method: String) -> String {
        let cleaned = method.uppercased().filter { $0.isLetter && $0.isASCII }
        return cleaned.isEmpty ? "GET" : cleaned
    }
}
