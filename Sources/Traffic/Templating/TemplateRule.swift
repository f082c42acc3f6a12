/// A user-supplied route rule that overrides inference: `/api/{version}/users/{id}` matches any
/// path with the same number of segments whose literal segments are equal; a final `{name...}`
/// matches one or more remaining segments. The first matching rule names the route.
public struct TemplateRule: Sendable, Equatable {
    enum Segment: Sendable, Equatable {
        case literal([UInt8])
        case parameter(String)
        case rest(String)
    }

    /// The rule text, also the route name it produces.
    public let template: String
    let segments: [Segment]

    /// Parses a rule; throws when it is not a path.
    public init(_ template: String) throws(LogPattern.PatternError) {
        guard template.hasPrefix("/") else { throw .init(message: "route rule '\(template)' must start with '/'") }
        var segments: [Segment] = []
        let parts = template.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
        for (index, part) in parts.enumerated() {
            if part.hasPrefix("{") && part.hasSuffix("}") && part.count > 2 {
                let name = String(part.dropFirst().dropLast())
                if name.hasSuffix("...") {
                    guard index == parts.count - 1 else { throw .init(message: "route rule '\(template)': {\(name)} must be last") }
                    segments.append(.rest(String(name.dropLast(3))))
                } else {
                    segments.append(.parameter(name))
                }
            } else {
                segments.append(.literal(Array(part.utf8)))
            }
        }
        self.template = template
        self.segments = segments
    }

    /// Whether `segments` (byte ranges of one path) match this rule.
    func matches(_ base: UnsafePointer<UInt8>, _ ranges: [(Int, Int)]) -> Bool {
        var index = 0
        for segment in segments {
            switch segment {
            case .rest:
                return index < ranges.count
            case .parameter:
                guard index < ranges.count, ranges[index].1 > ranges[index].0 else { return false }
            case .literal(let bytes):
                guard index < ranges.count else { return false }
                let (from, to) = ranges[index]
                guard to - from == bytes.count else { return false }
                for k in 0..<bytes.count where base[from + k] != bytes[k] { return false }
            }
            index += 1
        }
        return index == ranges.count
    }

    /// Parameter names by segment index (rest parameters cover the final segments as one value).
    var parameterSegments: [(segment: Int, name: String)] {
        segments.enumerated().compactMap { index, segment in
            switch segment {
            case .parameter(let name), .rest(let name): return (index, name)
            case .literal: return nil
            }
        }
    }
}
