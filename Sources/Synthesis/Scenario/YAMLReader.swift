import Foundation
import Yams

/// Reads typed fields out of a Yams node tree, turning every problem into a
/// ``SynthesisError/invalidDocument(file:line:column:field:detail:)`` with the node's line and
/// column and the dotted field path (`events[1].rate.multiplier`).
struct YAMLReader {
    let file: String

    /// Parses a document; syntax errors carry libYAML's line and column.
    func root(_ text: String) throws -> Node {
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw SynthesisError.invalidDocument(file: file, line: 1, column: 1, field: "(document)", detail: "empty document")
            }
            return node
        } catch let error as SynthesisError {
            throw error
        } catch let error as YamlError {
            throw SynthesisError.invalidDocument(file: file, line: Self.line(of: error), column: Self.column(of: error), field: "(syntax)", detail: Self.problem(of: error))
        }
    }

    func fail(_ node: Node?, _ field: String, _ detail: String) -> SynthesisError {
        .invalidDocument(file: file, line: node?.mark?.line, column: node?.mark?.column, field: field, detail: detail)
    }

    func mapping(_ node: Node, _ field: String, allowed: Set<String>) throws -> Node.Mapping {
        guard let mapping = node.mapping else { throw fail(node, field, "expected a mapping (key: value lines)") }
        for key in mapping.keys {
            guard let name = key.string, allowed.contains(name) else {
                throw fail(key, field.isEmpty ? (key.string ?? "?") : "\(field).\(key.string ?? "?")",
                           "unknown field; expected one of: \(allowed.sorted().joined(separator: ", "))")
            }
        }
        return mapping
    }

    func sequence(_ node: Node, _ field: String) throws -> [Node] {
        guard let sequence = node.sequence else { throw fail(node, field, "expected a list (lines starting with '-')") }
        return Array(sequence)
    }

    func string(_ node: Node, _ field: String) throws -> String {
        guard let scalar = node.scalar else { throw fail(node, field, "expected a text value") }
        return scalar.string
    }

    func number(_ node: Node, _ field: String, range: ClosedRange<Double>? = nil) throws -> Double {
        guard let scalar = node.scalar, let value = Double(scalar.string.trimmingCharacters(in: .whitespaces)), value.isFinite else {
            throw fail(node, field, "expected a number, got '\(node.scalar?.string ?? "a non-scalar")'")
        }
        if let range, !range.contains(value) { throw fail(node, field, "must be within \(range.lowerBound)...\(range.upperBound), got \(value)") }
        return value
    }

    /// A duration: a number of seconds or `500ms`, `30s`, `10m`, `2h`, `1d`.
    func duration(_ node: Node, _ field: String) throws -> Double {
        guard let scalar = node.scalar else { throw fail(node, field, "expected a duration such as 30s, 10m or 1h") }
        guard let seconds = DurationText.seconds(scalar.string), seconds >= 0 else {
            throw fail(node, field, "expected a duration such as 30s, 10m or 1h, got '\(scalar.string)'")
        }
        return seconds
    }

    private static func line(of error: YamlError) -> Int? {
        switch error {
        case let .scanner(_, _, mark, _), let .parser(_, _, mark, _): return mark.line
        case let .composer(_, _, mark, _): return mark.line
        default: return nil
        }
    }

    private static func column(of error: YamlError) -> Int? {
        switch error {
        case let .scanner(_, _, mark, _), let .parser(_, _, mark, _): return mark.column
        case let .composer(_, _, mark, _): return mark.column
        default: return nil
        }
    }

    private static func problem(of error: YamlError) -> String {
        switch error {
        case let .scanner(context, problem, _, _), let .parser(context, problem, _, _):
            return [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
        case let .composer(context, problem, _, _):
            return [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
        default:
            return "\(error)"
        }
    }
}

/// Durations written as text: `90`, `90s`, `500ms`, `10m`, `1.5h`, `1d`.
public enum DurationText {
    /// Seconds, or `nil` when the text is not a duration.
    public static func seconds(_ text: String) -> Double? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400)]
        for (suffix, factor) in units where trimmed.hasSuffix(suffix) {
            if let value = Double(trimmed.dropLast(suffix.count)), value.isFinite { return value * factor }
        }
        if let value = Double(trimmed), value.isFinite { return value }
        return nil
    }

    /// `90s`, `10m`, `1h30m`-style compact text for a number of seconds.
    public static func text(_ seconds: Double) -> String {
        if seconds >= 3600, seconds.truncatingRemainder(dividingBy: 3600) == 0 { return "\(Int(seconds / 3600))h" }
        if seconds >= 60, seconds.truncatingRemainder(dividingBy: 60) == 0 { return "\(Int(seconds / 60))m" }
        if seconds == seconds.rounded() { return "\(Int(seconds))s" }
        return "\(seconds)s"
    }
}
