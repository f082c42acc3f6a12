import Foundation
import Yams

extension FaultPlan {
    /// Reads a fault plan from YAML. Errors carry the file, line, column and field.
    ///
    /// ```yaml
    /// faults:
    ///   - kind: bad-header-line        # bad-header-line, wrong-content-length, truncated-body,
    ///     probability: 0.01            # oversized-headers, slow-send, reset, abandon
    ///   - kind: slow-send
    ///     probability: 1               # inside the window
    ///     window: {start: 2m, duration: 30s}
    ///     over: 5s                     # slow-send: drip duration
    ///   - kind: oversized-headers
    ///     probability: 0.001
    ///     bytes: 65536                 # padding (oversized-headers) or extra claimed bytes (wrong-content-length)
    /// ```
    public static func parse(yaml text: String, file: String) throws -> FaultPlan {
        let reader = YAMLReader(file: file)
        let root = try reader.root(text)
        let top = try reader.mapping(root, "", allowed: ["faults"])
        guard let list = top["faults"] else { throw reader.fail(root, "faults", "missing (a list of fault rules)") }
        var rules: [FaultRule] = []
        for (i, node) in try reader.sequence(list, "faults").enumerated() {
            let field = "faults[\(i)]"
            let m = try reader.mapping(node, field, allowed: ["kind", "probability", "window", "bytes", "over"])
            guard let kindNode = m["kind"] else { throw reader.fail(node, "\(field).kind", "missing") }
            let kindText = try reader.string(kindNode, "\(field).kind")
            guard let kind = FaultKind(rawValue: kindText) else {
                throw reader.fail(kindNode, "\(field).kind", "unknown fault '\(kindText)'; expected one of: \(FaultKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            var rule = FaultRule(kind: kind, probability: 1)
            if let p = m["probability"] { rule.probability = try reader.number(p, "\(field).probability", range: 0...1) }
            if let window = m["window"] {
                let w = try reader.mapping(window, "\(field).window", allowed: ["start", "duration"])
                guard let start = w["start"] else { throw reader.fail(window, "\(field).window.start", "missing") }
                rule.windowStart = try reader.duration(start, "\(field).window.start")
                rule.windowDuration = try w["duration"].map { try reader.duration($0, "\(field).window.duration") }
            } else if m["probability"] == nil {
                throw reader.fail(node, "\(field).probability", "give a probability, a window, or both")
            }
            if let bytes = m["bytes"] {
                guard kind == .oversizedHeaders || kind == .wrongContentLength else {
                    throw reader.fail(bytes, "\(field).bytes", "only for oversized-headers and wrong-content-length")
                }
                rule.bytes = Int(try reader.number(bytes, "\(field).bytes", range: 1...16_777_216))
            }
            if let over = m["over"] {
                guard kind == .slowSend else { throw reader.fail(over, "\(field).over", "only for slow-send") }
                rule.dripSeconds = try reader.duration(over, "\(field).over")
                guard rule.dripSeconds! <= 65.535 else { throw reader.fail(over, "\(field).over", "at most 65.535 s (the emitter's drip parameter is 16-bit milliseconds)") }
            }
            rules.append(rule)
        }
        return FaultPlan(rules: rules)
    }

    /// Reads a fault file.
    public static func load(path: String) throws -> FaultPlan {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SynthesisError.invalidDocument(file: path, line: nil, column: nil, field: "(file)", detail: "cannot read the file")
        }
        return try parse(yaml: String(decoding: data, as: UTF8.self), file: path)
    }
}
