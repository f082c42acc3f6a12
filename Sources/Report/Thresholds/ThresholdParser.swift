import Foundation

/// Why a `--threshold` expression could not be read.
public struct ThresholdParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The expression as given.
    public var expression: String
    /// Character offset (0-based) where the problem starts.
    public var offset: Int
    /// What is wrong, and what was expected.
    public var reason: String

    public var description: String {
        "invalid threshold '\(expression)' at character \(offset + 1): \(reason)"
    }
}

/// Reads `metric op value unit` with positions for error messages.
struct ThresholdParser {
    let text: String
    let chars: [Character]
    var pos = 0

    init(_ text: String) {
        self.text = text
        self.chars = Array(text)
    }

    func fail(_ reason: String, at offset: Int? = nil) -> ThresholdParseError {
        ThresholdParseError(expression: text, offset: offset ?? pos, reason: reason)
    }

    mutating func skipSpaces() {
        while pos < chars.count, chars[pos].isWhitespace { pos += 1 }
    }

    mutating func parse() throws(ThresholdParseError) -> Threshold {
        skipSpaces()
        guard pos < chars.count else { throw fail("empty threshold; expected e.g. p99<200ms or errors<1%") }
        // Metric name: letters, digits, '_', '.'
        let metricStart = pos
        while pos < chars.count, chars[pos].isLetter || chars[pos].isNumber || chars[pos] == "_" || chars[pos] == "." { pos += 1 }
        let name = String(chars[metricStart..<pos]).lowercased()
        guard !name.isEmpty else { throw fail("expected a metric (p50, p90, p99, p999, max, errors, rps, late)") }
        guard let metric = Threshold.Metric.aliases[name] else {
            throw fail("unknown metric '\(name)'; expected one of p50, p90, p99, p999, max, errors, rps, late", at: metricStart)
        }
        skipSpaces()
        let opStart = pos
        var op = ""
        while pos < chars.count, "<>=!".contains(chars[pos]) { op.append(chars[pos]); pos += 1 }
        guard let comparison = Threshold.Comparison(rawValue: op) else {
            throw fail(op.isEmpty ? "expected a comparison (<, <=, >, >=) after '\(name)'" : "unknown comparison '\(op)'; expected <, <=, > or >=", at: opStart)
        }
        skipSpaces()
        let numberStart = pos
        while pos < chars.count, chars[pos].isNumber || chars[pos] == "." || chars[pos] == "_" || chars[pos] == "," { pos += 1 }
        let digits = String(chars[numberStart..<pos]).replacingOccurrences(of: "_", with: "").replacingOccurrences(of: ",", with: "")
        guard !digits.isEmpty else { throw fail("expected a number after '\(op)'", at: numberStart) }
        guard let number = Double(digits), number.isFinite else { throw fail("'\(digits)' is not a number", at: numberStart) }
        skipSpaces()
        let unitStart = pos
        let unit = String(chars[pos...]).trimmingCharacters(in: .whitespaces).lowercased()
        let limit: Double
        switch metric.kind {
        case .latency:
            switch unit {
            case "", "ms": limit = number
            case "us", "µs", "μs": limit = number / 1000
            case "s", "sec": limit = number * 1000
            default: throw fail("unknown latency unit '\(unit)'; expected us, ms or s", at: unitStart)
            }
        case .fraction:
            switch unit {
            case "%": limit = number / 100
            case "":
                guard number <= 1 else {
                    throw fail("\(number) is not a fraction; write \(NumberFormat.trimmed(number))% or a value in 0…1", at: numberStart)
                }
                limit = number
            default: throw fail("unknown unit '\(unit)' for \(name); expected % (e.g. \(name)<1%)", at: unitStart)
            }
            guard limit <= 1 else { throw fail("\(NumberFormat.trimmed(number))% is more than 100%", at: numberStart) }
        case .throughput:
            switch unit {
            case "", "rps", "/s", "req/s": limit = number
            case "k", "krps": limit = number * 1000
            default: throw fail("unknown unit '\(unit)' for rps; expected none, rps or /s", at: unitStart)
            }
        }
        var threshold = Threshold(metric: metric, comparison: comparison, limit: limit)
        threshold.expression = text.trimmingCharacters(in: .whitespaces)
        return threshold
    }
}
