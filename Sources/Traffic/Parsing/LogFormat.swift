/// The formats Shadowcast reads, chosen by name or given as an nginx `log_format` pattern.
public enum LogFormat: Sendable, Equatable {
    /// Combined Log Format (Apache `combined`): CLF plus quoted referrer and user agent.
    case combined
    /// Common Log Format (no referrer or agent; extra fields ignored).
    case common
    /// nginx's default `combined` log_format.
    case nginx
    /// One JSON object per line.
    case jsonLines(JSONFieldNames)
    /// A `log_format`-style pattern.
    case pattern(LogPattern)

    /// Parses `combined`, `common`, `nginx`, `jsonl` (also `json`) or a pattern containing `$`.
    public init(argument: String, jsonFields: [String] = []) throws(LogPattern.PatternError) {
        switch argument.lowercased() {
        case "combined", "apache", "clf-combined": self = .combined
        case "common", "clf": self = .common
        case "nginx": self = .nginx
        case "jsonl", "json", "ndjson":
            var names = JSONFieldNames()
            for assignment in jsonFields { try names.set(assignment) }
            self = .jsonLines(names)
        default:
            guard argument.contains("$") else {
                throw LogPattern.PatternError(message: "unknown log format '\(argument)': use combined, common, nginx, jsonl, or a log_format pattern with $variables")
            }
            self = .pattern(try LogPattern(argument))
        }
    }

    /// Short name for provenance.
    public var name: String {
        switch self {
        case .combined: return "combined"
        case .common: return "common"
        case .nginx: return "nginx"
        case .jsonLines: return "jsonl"
        case .pattern: return "pattern"
        }
    }
}

extension LogReader {
    /// Reads `source` in `format` (each format gets its specialised parser).
    public func read(_ source: LogSource, format: LogFormat, _ body: (inout LogFields, Int) throws -> Void) throws -> LogReadSummary {
        switch format {
        case .combined:
            var parser = CombinedLogParser(requireAgent: true)
            return try read(source, parser: &parser, body)
        case .common:
            var parser = CombinedLogParser(requireAgent: false)
            return try read(source, parser: &parser, body)
        case .nginx:
            var parser = CombinedLogParser(requireAgent: true)
            return try read(source, parser: &parser, body)
        case .jsonLines(let names):
            var parser = JSONLinesParser(names: names)
            return try read(source, parser: &parser, body)
        case .pattern(let pattern):
            var parser = PatternLogParser(pattern: pattern)
            return try read(source, parser: &parser, body)
        }
    }
}
