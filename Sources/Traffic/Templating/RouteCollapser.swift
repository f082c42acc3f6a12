/// Caps route cardinality: over all observed shapes (with counts), a segment position whose
/// literal values are too many (more than ``maxLiteralChildren`` distinct siblings under one
/// prefix) becomes a `{param}` parameter, and the subtrees below merge.
/// `/articles/foo`, `/articles/bar`, … (hundreds) → `/articles/{param}`.
public struct RouteCollapser: Sendable {
    /// Distinct literal siblings allowed under one prefix before they collapse.
    public var maxLiteralChildren: Int

    /// Creates a collapser.
    public init(maxLiteralChildren: Int = 40) {
        self.maxLiteralChildren = maxLiteralChildren
    }

    /// The result for one shape: its final template and the segments that became `{param}`.
    public struct Mapping: Sendable, Equatable {
        /// Final route template.
        public var template: String
        /// Segment indices collapsed into `{param…}` parameters, with their names.
        public var collapsed: [(segment: Int, name: String)]

        public static func == (lhs: Mapping, rhs: Mapping) -> Bool {
            lhs.template == rhs.template && lhs.collapsed.map(\.segment) == rhs.collapsed.map(\.segment)
                && lhs.collapsed.map(\.name) == rhs.collapsed.map(\.name)
        }
    }

    private final class Node {
        var children: [String: Node] = [:]
        var weight = 0
    }

    private static let paramName = "{param}"

    /// Maps every shape (a template that may still hold literal segments) to its final template.
    public func collapse(_ shapes: [(shape: String, count: Int)]) -> [String: Mapping] {
        let root = Node()
        let split = shapes.map { ($0.shape, Self.segments($0.shape), $0.count) }
        for (_, segments, count) in split {
            var node = root
            node.weight += count
            for segment in segments {
                let child = node.children[segment] ?? Node()
                node.children[segment] = child
                child.weight += count
                node = child
            }
            let end = node.children["\u{0}"] ?? Node()
            node.children["\u{0}"] = end
        }
        collapseNode(root)
        var result: [String: Mapping] = [:]
        for (shape, segments, _) in split {
            var node = root
            var output: [String] = []
            var collapsed: [(Int, String)] = []
            var usedNames: [String: Int] = [:]
            for segment in segments {
                if segment.hasPrefix("{") { usedNames[segment, default: 0] += 1 }
            }
            for (index, segment) in segments.enumerated() {
                if let child = node.children[segment] {
                    output.append(segment)
                    node = child
                } else if let child = node.children[Self.paramName] {
                    let seen = usedNames["{param}", default: 0] + 1
                    usedNames["{param}"] = seen
                    let name = seen > 1 ? "param\(seen)" : "param"
                    output.append("{\(name)}")
                    collapsed.append((index, name))
                    node = child
                } else {
                    output.append(segment)  // cannot happen: every shape was inserted
                }
            }
            let template = segments.isEmpty ? "/" : "/" + output.joined(separator: "/")
            result[shape] = Mapping(template: template, collapsed: collapsed)
        }
        return result
    }

    private func collapseNode(_ node: Node) {
        let literals = node.children.filter { $0.key != "\u{0}" && !$0.key.hasPrefix("{") }
        if literals.count > maxLiteralChildren {
            let merged = node.children[Self.paramName] ?? Node()
            for (key, child) in literals {
                merge(child, into: merged)
                node.children[key] = nil
            }
            node.children[Self.paramName] = merged
        }
        for (_, child) in node.children { collapseNode(child) }
    }

    private func merge(_ source: Node, into target: Node) {
        target.weight += source.weight
        for (key, child) in source.children {
            if let existing = target.children[key] {
                merge(child, into: existing)
            } else {
                target.children[key] = child
            }
        }
    }

    /// Segments of a template path (`/a/b/` → `a`, `b`, ``).
    public static func segments(_ shape: String) -> [String] {
        guard shape != "/" else { return [] }
        return shape.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map(String.init)
    }
}
