/// A path template such as `/products/{id}`: literal segments must match, `{name}` matches any
/// one segment, and a trailing `*` matches the rest of the path.
public struct RoutePattern: Sendable, Hashable, CustomStringConvertible {
    enum Segment: Sendable, Hashable {
        case literal(Substring)
        case parameter
        case rest
    }

    let segments: [Segment]
    /// The template as written.
    public let description: String

    /// Parses a template; it must start with `/`.
    public init(_ template: String) throws(LabSpecError) {
        guard template.hasPrefix("/") else {
            throw LabSpecError(field: "path", message: "route path '\(template)' must start with '/'")
        }
        description = template
        segments = template.split(separator: "/", omittingEmptySubsequences: true).map { part in
            if part == "*" { return .rest }
            if part.hasPrefix("{") && part.hasSuffix("}") { return .parameter }
            return .literal(part)
        }
    }

    /// Whether `path` (without its query string) matches the template.
    public func matches(_ path: Substring) -> Bool {
        var parts = path.split(separator: "/", omittingEmptySubsequences: true)[...]
        for segment in segments {
            switch segment {
            case .rest:
                return true
            case .parameter:
                guard parts.popFirst() != nil else { return false }
            case .literal(let literal):
                guard let part = parts.popFirst(), part == literal else { return false }
            }
        }
        return parts.isEmpty
    }
}
