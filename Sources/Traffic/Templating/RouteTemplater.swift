/// Turns a raw path into a route shape: value-like segments become typed parameters
/// (`/users/42/orders/2024-05-01` → `/users/{id}/orders/{date}`), user rules win over inference.
/// High-cardinality literal positions are collapsed later by ``RouteCollapser`` over all shapes.
public struct RouteTemplater: Sendable {
    /// One parameter found in a path.
    public struct Parameter: Sendable, Equatable {
        /// 0-based segment index.
        public var segment: Int
        /// Name in the template (`id`, `uuid`, … or the rule's name).
        public var name: String
        /// What the value looks like.
        public var kind: SegmentKind
        /// Byte range of the value in the path.
        public var valueStart: Int
        /// End of the value (exclusive).
        public var valueEnd: Int
    }

    /// User rules, tried in order before inference.
    public var rules: [TemplateRule]
    /// Paths longer than this many segments keep only this many (the rest becomes `{rest...}`).
    public var maxSegments = 12

    /// Creates a templater.
    public init(rules: [TemplateRule] = []) {
        self.rules = rules
    }

    /// Writes the shape of `path` into `shape` (cleared first) and its parameters into `parameters`.
    /// `ranges` is scratch storage reused across calls.
    public func shape(
        of path: ByteSpan, into shape: inout [UInt8], parameters: inout [Parameter], ranges: inout [(Int, Int)]
    ) {
        shape.removeAll(keepingCapacity: true)
        parameters.removeAll(keepingCapacity: true)
        ranges.removeAll(keepingCapacity: true)
        guard let base = path.start, path.count > 0 else { shape.append(UInt8(ascii: "/")); return }
        var position = base[0] == UInt8(ascii: "/") ? 1 : 0
        while position <= path.count {
            let slash = ByteScan.find(UInt8(ascii: "/"), base, from: position, end: path.count)
            ranges.append((position, slash))
            position = slash + 1
        }
        if ranges.count == 1 && ranges[0].0 == ranges[0].1 { shape.append(UInt8(ascii: "/")); return }  // "/"
        for rule in rules where rule.matches(base, ranges) {
            shape.append(contentsOf: rule.template.utf8)
            for (segment, name) in rule.parameterSegments {
                let end = rule.segments.count - 1 == segment && { if case .rest = rule.segments[segment] { return true }; return false }()
                    ? ranges[ranges.count - 1].1 : ranges[segment].1
                parameters.append(Parameter(segment: segment, name: name, kind: .text, valueStart: ranges[segment].0, valueEnd: end))
            }
            return
        }
        var counts: [String: Int] = [:]
        for (index, (from, to)) in ranges.enumerated() {
            shape.append(UInt8(ascii: "/"))
            if index >= maxSegments {
                shape.append(contentsOf: "{rest}".utf8)
                parameters.append(Parameter(segment: index, name: "rest", kind: .text, valueStart: from, valueEnd: ranges[ranges.count - 1].1))
                break
            }
            // A value segment, possibly with a short file extension (`42.json`).
            var valueEnd = to
            var extensionStart = to
            let dot = ByteScan.find(UInt8(ascii: "."), base, from: from, end: to)
            if dot < to, dot > from, to - dot <= 6 {
                valueEnd = dot
                extensionStart = dot
            }
            var classified = SegmentKind.classify(base + from, valueEnd - from)
            if classified == nil && SegmentKind.looksSecret(base + from, to - from) {
                // Never let a token-like segment (with dots, as in a JWT) become part of a route name.
                classified = .token
                valueEnd = to
                extensionStart = to
            }
            if let kind = classified {
                var name = kind.parameterName
                let seen = counts[name, default: 0] + 1
                counts[name] = seen
                if seen > 1 { name += String(seen) }
                shape.append(UInt8(ascii: "{"))
                shape.append(contentsOf: name.utf8)
                shape.append(UInt8(ascii: "}"))
                if extensionStart < to { shape.append(contentsOf: UnsafeBufferPointer(start: base + extensionStart, count: to - extensionStart)) }
                parameters.append(Parameter(segment: index, name: name, kind: kind, valueStart: from, valueEnd: valueEnd))
            } else {
                shape.append(contentsOf: UnsafeBufferPointer(start: base + from, count: to - from))
            }
        }
    }
}
