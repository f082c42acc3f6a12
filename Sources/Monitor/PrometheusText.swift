/// A parsed Prometheus text exposition (format 0.0.4): samples with their labels, plus the
/// `# TYPE` and `# HELP` metadata.
public struct PrometheusScrape: Sendable, Hashable {
    /// The metric types of the text format.
    public enum MetricType: String, Sendable, Hashable {
        case counter, gauge, histogram, summary, untyped
    }

    /// One sample line.
    public struct Sample: Sendable, Hashable {
        /// The sample's name as written (`http_request_duration_seconds_bucket`).
        public var name: String
        /// Labels, unescaped.
        public var labels: [String: String]
        /// The value (NaN and ±Inf allowed).
        public var value: Double
        /// Milliseconds since the epoch, when given.
        public var timestamp: Int64?
    }

    /// A line that was not understood (lenient parsing skips and counts these).
    public struct Skipped: Sendable, Hashable {
        /// 1-based line number.
        public var line: Int
        /// 1-based column where the problem is.
        public var column: Int
        /// Why.
        public var reason: String
    }

    /// Samples in input order.
    public var samples: [Sample] = []
    /// `# TYPE` by metric family name.
    public var types: [String: MetricType] = [:]
    /// `# HELP` by metric family name, unescaped.
    public var help: [String: String] = [:]
    /// Lines skipped in lenient mode.
    public var skipped: [Skipped] = []

    /// Parses exposition text. In strict mode the first bad line throws (with `source:line:column`);
    /// otherwise bad lines are skipped and listed in `skipped`.
    public static func parse(_ text: String, source: String = "metrics", strict: Bool = false) throws(MonitorInputError) -> PrometheusScrape {
        var scrape = PrometheusScrape()
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            var line = Substring(rawLine)
            if line.last == "\r" { line = line.dropLast() }
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            if trimmed.isEmpty { continue }
            do {
                if trimmed.first == "#" {
                    try scrape.parseComment(trimmed)
                } else {
                    scrape.samples.append(try parseSample(trimmed, lineStart: line.startIndex, in: line))
                }
            } catch {
                let column = line.distance(from: line.startIndex, to: error.index) + 1
                if strict {
                    throw MonitorInputError(source: "\(source):\(lineNumber):\(column)", message: error.reason)
                }
                scrape.skipped.append(Skipped(line: lineNumber, column: column, reason: error.reason))
            }
        }
        return scrape
    }

    struct LineError: Error {
        var index: Substring.Index
        var reason: String
    }

    private mutating func parseComment(_ line: Substring) throws(LineError) {
        var rest = line.dropFirst().drop { $0 == " " || $0 == "\t" }
        let keyword = rest.prefix { $0 != " " && $0 != "\t" }
        guard keyword == "HELP" || keyword == "TYPE" else { return }  // any other comment
        rest = rest.dropFirst(keyword.count).drop { $0 == " " || $0 == "\t" }
        let name = rest.prefix { $0 != " " && $0 != "\t" }
        guard Self.isMetricName(name) else { throw LineError(index: rest.startIndex, reason: "bad metric name in # \(keyword)") }
        let value = rest.dropFirst(name.count).drop { $0 == " " || $0 == "\t" }
        if keyword == "TYPE" {
            let word = value.prefix { $0 != " " && $0 != "\t" }
            guard let type = MetricType(rawValue: String(word)) else {
                throw LineError(index: value.startIndex, reason: "unknown metric type '\(word)'")
            }
            types[String(name)] = type
        } else {
            var text = ""
            var escaped = false
            for character in value {
                if escaped {
                    text += character == "n" ? "\n" : character == "\\" ? "\\" : "\\\(character)"
                    escaped = false
                } else if character == "\\" {
                    escaped = true
                } else {
                    text.append(character)
                }
            }
            help[String(name)] = text
        }
    }

    private static func parseSample(_ line: Substring, lineStart: Substring.Index, in full: Substring) throws(LineError) -> Sample {
        var index = line.startIndex
        let nameEnd = line[index...].firstIndex { !isNameCharacter($0) } ?? line.endIndex
        let name = line[index..<nameEnd]
        guard isMetricName(name) else { throw LineError(index: index, reason: "expected a metric name") }
        index = nameEnd
        var labels: [String: String] = [:]
        if index < line.endIndex && line[index] == "{" {
            index = line.index(after: index)
            while true {
                index = skipSpaces(line, index)
                guard index < line.endIndex else { throw LineError(index: index, reason: "unterminated label set") }
                if line[index] == "}" { index = line.index(after: index); break }
                let labelEnd = line[index...].firstIndex { !isNameCharacter($0) || $0 == ":" } ?? line.endIndex
                let label = line[index..<labelEnd]
                guard !label.isEmpty, !(label.first!.isNumber) else { throw LineError(index: index, reason: "expected a label name") }
                index = skipSpaces(line, labelEnd)
                guard index < line.endIndex, line[index] == "=" else { throw LineError(index: index, reason: "expected '=' after label \(label)") }
                index = skipSpaces(line, line.index(after: index))
                guard index < line.endIndex, line[index] == "\"" else { throw LineError(index: index, reason: "expected '\"' to open the value of label \(label)") }
                index = line.index(after: index)
                var value = ""
                var closed = false
                while index < line.endIndex {
                    let character = line[index]
                    index = line.index(after: index)
                    if character == "\"" { closed = true; break }
                    if character == "\\" {
                        guard index < line.endIndex else { break }
                        let next = line[index]
                        index = line.index(after: index)
                        switch next {
                        case "n": value += "\n"
                        case "\\": value += "\\"
                        case "\"": value += "\""
                        default: value += "\\\(next)"
                        }
                    } else {
                        value.append(character)
                    }
                }
                guard closed else { throw LineError(index: index, reason: "unterminated value of label \(label)") }
                guard labels.updateValue(value, forKey: String(label)) == nil else {
                    throw LineError(index: index, reason: "label \(label) given twice")
                }
                index = skipSpaces(line, index)
                if index < line.endIndex && line[index] == "," { index = line.index(after: index) }
            }
        }
        guard index < line.endIndex, line[index] == " " || line[index] == "\t" else {
            throw LineError(index: index, reason: "expected a space before the value")
        }
        index = skipSpaces(line, index)
        let valueEnd = line[index...].firstIndex { $0 == " " || $0 == "\t" } ?? line.endIndex
        guard let value = parseValue(line[index..<valueEnd]) else {
            throw LineError(index: index, reason: "bad sample value '\(line[index..<valueEnd])'")
        }
        index = skipSpaces(line, valueEnd)
        var timestamp: Int64?
        if index < line.endIndex {
            let end = line[index...].firstIndex { $0 == " " || $0 == "\t" } ?? line.endIndex
            guard let stamp = Int64(line[index..<end]) else { throw LineError(index: index, reason: "bad timestamp '\(line[index..<end])'") }
            timestamp = stamp
            guard skipSpaces(line, end) == line.endIndex else { throw LineError(index: end, reason: "unexpected text after the timestamp") }
        }
        return Sample(name: String(name), labels: labels, value: value, timestamp: timestamp)
    }

    static func parseValue(_ text: Substring) -> Double? {
        switch text.lowercased() {
        case "nan": return .nan
        case "+inf", "inf": return .infinity
        case "-inf": return -.infinity
        default: return Double(text)
        }
    }

    private static func skipSpaces(_ line: Substring, _ index: Substring.Index) -> Substring.Index {
        line[index...].firstIndex { $0 != " " && $0 != "\t" } ?? line.endIndex
    }

    private static func isNameCharacter(_ character: Character) -> Bool {
        character == "_" || character == ":" || (character.isASCII && (character.isLetter || character.isNumber))
    }

    static func isMetricName(_ name: Substring) -> Bool {
        guard let first = name.first, !first.isNumber else { return false }
        return name.allSatisfy(isNameCharacter)
    }
}

extension PrometheusScrape {
    /// Samples named `name` whose labels include every pair of `matching`.
    public func samples(named name: String, matching: [String: String] = [:]) -> [Sample] {
        samples.filter { sample in sample.name == name && matching.allSatisfy { sample.labels[$0.key] == $0.value } }
    }

    /// The type of the family a sample name belongs to (`foo_bucket` → `foo`'s type).
    public func type(ofSample name: String) -> MetricType {
        if let type = types[name] { return type }
        for suffix in ["_bucket", "_sum", "_count", "_total", "_created"] where name.hasSuffix(suffix) {
            if let type = types[String(name.dropLast(suffix.count))] { return type }
        }
        return .untyped
    }

    /// One histogram series: cumulative buckets by upper bound, sum and count.
    public struct HistogramSeries: Sendable, Hashable {
        /// Labels other than `le`.
        public var labels: [String: String]
        /// `(le, cumulative count)` sorted by `le` (+Inf last).
        public var buckets: [(upperBound: Double, cumulativeCount: Double)]
        /// `_sum`, when present.
        public var sum: Double?
        /// `_count`, when present.
        public var count: Double?

        public static func == (a: HistogramSeries, b: HistogramSeries) -> Bool {
            a.labels == b.labels && a.sum == b.sum && a.count == b.count
                && a.buckets.map(\.upperBound) == b.buckets.map(\.upperBound) && a.buckets.map(\.cumulativeCount) == b.buckets.map(\.cumulativeCount)
        }

        public func hash(into hasher: inout Hasher) { hasher.combine(labels) }
    }

    /// The histogram family `name`, one series per label set (without `le`).
    public func histogram(_ name: String) -> [HistogramSeries] {
        var series: [[String: String]: HistogramSeries] = [:]
        for sample in samples {
            var labels = sample.labels
            if sample.name == "\(name)_bucket", let le = labels.removeValue(forKey: "le"), let bound = Self.parseValue(Substring(le)) {
                series[labels, default: HistogramSeries(labels: labels, buckets: [])].buckets.append((bound, sample.value))
            } else if sample.name == "\(name)_sum" {
                series[labels, default: HistogramSeries(labels: labels, buckets: [])].sum = sample.value
            } else if sample.name == "\(name)_count" {
                series[labels, default: HistogramSeries(labels: labels, buckets: [])].count = sample.value
            }
        }
        return series.values.map { value in
            var value = value
            value.buckets.sort { $0.upperBound < $1.upperBound }
            return value
        }.sorted { $0.labels.description < $1.labels.description }
    }
}
