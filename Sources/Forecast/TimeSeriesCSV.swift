import Foundation

/// A problem with one CSV row (1-based line number).
public struct SkippedRow: Sendable, Equatable, Codable, CustomStringConvertible {
    public var line: Int
    public var reason: String
    public var description: String { "line \(line): \(reason)" }
}

/// What loading a series CSV did besides reading values.
public struct TimeSeriesLoadReport: Sendable, Equatable, Codable {
    /// Data rows read successfully.
    public var rowsRead = 0
    /// Rows skipped (bad timestamp or value), with line numbers.
    public var skipped: [SkippedRow] = []
    /// Steps missing in the input and filled by linear interpolation.
    public var gapsFilled = 0
    /// Rows that fell in an already used step and were added to it (counts are summed).
    public var rowsMerged = 0
    /// The step used, in seconds (given or inferred as the median spacing).
    public var step: Double = 0
    /// The median spacing of the rows, in seconds (the step inferred without `--step`).
    public var dataSpacing: Double = 0

    /// Whether the given step is finer than the rows' spacing: most steps are then interpolated
    /// and each row's count sits in one step, so the series is not the rate at that step.
    public var stepFinerThanData: Bool { dataSpacing > 0 && step < dataSpacing * 0.99 }
}

/// Errors loading a series CSV.
public enum TimeSeriesLoadError: Error, Equatable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case badRow(path: String, line: Int, reason: String)
    /// Fewer than 3 usable rows; `skipped` rows were rejected, the first of them `firstSkipped`.
    case tooFewRows(path: String, rows: Int, skipped: Int = 0, firstSkipped: SkippedRow? = nil)
    case tooLong(path: String, steps: Int)

    public var description: String {
        switch self {
        case let .unreadable(path, reason): return "\(path): cannot read: \(reason)"
        case let .badRow(path, line, reason): return "\(path):\(line): \(reason)"
        case let .tooFewRows(path, rows, skipped, first):
            let why = first.map { "; \(skipped) row(s) skipped, the first at \($0)" } ?? ""
            return "\(path): \(rows) usable rows\(why); at least 3 are needed"
        case let .tooLong(path, steps): return "\(path): \(steps) steps at this step size (limit 10,000,000); pass a larger --step"
        }
    }
}

/// Reads `timestamp,value` CSV files into a `TimeSeries`.
public enum TimeSeriesCSV {
    /// Loads a file. `step` (seconds) buckets values (summing counts); nil infers the step.
    /// With `strict`, the first bad row is an error; otherwise bad rows are skipped and reported.
    public static func load(path: String, step: Double? = nil, strict: Bool = false) throws -> (TimeSeries, TimeSeriesLoadReport) {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw TimeSeriesLoadError.unreadable(path: path, reason: error.localizedDescription)
        }
        let text = String(decoding: data, as: UTF8.self)
        let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        return try parse(text, name: name, path: path, step: step, strict: strict)
    }

    /// Parses CSV text (see `load`).
    public static func parse(_ text: String, name: String, path: String = "<input>", step: Double? = nil, strict: Bool = false) throws -> (TimeSeries, TimeSeriesLoadReport) {
        var report = TimeSeriesLoadReport()
        var rows: [(t: Double, v: Double)] = []
        var lineNumber = 0
        // `isNewline`, not "\n": Swift reads "\r\n" as one Character, so splitting on "\n" would
        // leave a Windows-style file as a single line.
        // A UTF-8 byte-order mark (spreadsheet exports) is not part of the first field.
        let body = text.hasPrefix("\u{FEFF}") ? text.dropFirst() : Substring(text)
        for rawLine in body.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            lineNumber += 1
            let line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let fields = line.split(separator: line.contains(",") ? "," : (line.contains(";") ? ";" : "\t"), omittingEmptySubsequences: false)
            func skip(_ reason: String) throws {
                if strict { throw TimeSeriesLoadError.badRow(path: path, line: lineNumber, reason: reason) }
                report.skipped.append(SkippedRow(line: lineNumber, reason: reason))
            }
            guard fields.count >= 2 else {
                try skip("expected `timestamp,value`, found \(fields.count) field(s)")
                continue
            }
            let tsText = fields[0].trimmingCharacters(in: CharacterSet(charactersIn: " \"'"))
            let valueText = fields[1].trimmingCharacters(in: CharacterSet(charactersIn: " \"'"))
            guard let t = TimestampParser.parse(tsText) else {
                if rows.isEmpty && report.skipped.isEmpty && Double(valueText) == nil { continue }  // header
                try skip("timestamp `\(tsText.prefix(40))` is neither ISO-8601 nor `YYYY-MM-DD HH:MM:SS`")
                continue
            }
            guard let v = Double(valueText), v.isFinite else {
                try skip("value `\(valueText.prefix(40))` is not a finite number")
                continue
            }
            guard v >= 0 else {
                try skip("value \(v) is negative (a count series is expected)")
                continue
            }
            rows.append((t, v))
        }
        report.rowsRead = rows.count
        guard rows.count >= 3 else {
            throw TimeSeriesLoadError.tooFewRows(
                path: path, rows: rows.count, skipped: report.skipped.count, firstSkipped: report.skipped.first)
        }
        if !zip(rows, rows.dropFirst()).allSatisfy({ $0.t <= $1.t }) { rows.sort { $0.t < $1.t } }
        var diffs = zip(rows, rows.dropFirst()).map { $1.t - $0.t }.filter { $0 > 0 }
        diffs.sort()
        report.dataSpacing = diffs.isEmpty ? 0 : diffs[diffs.count / 2]
        let resolvedStep = step ?? (diffs.isEmpty ? 1 : report.dataSpacing)
        report.step = resolvedStep
        let start = rows[0].t
        let span = Int(((rows[rows.count - 1].t - start) / resolvedStep + 1e-6).rounded(.down)) + 1
        guard span <= 10_000_000 else { throw TimeSeriesLoadError.tooLong(path: path, steps: span) }
        var values = [Double](repeating: 0, count: span)
        var present = [Bool](repeating: false, count: span)
        for r in rows {
            let k = min(span - 1, Int(((r.t - start) / resolvedStep + 1e-6).rounded(.down)))
            if present[k] { report.rowsMerged += 1 }
            values[k] += r.v
            present[k] = true
        }
        var filled: [Int] = []
        var last = 0
        for k in 1..<span where present[k] {
            if k - last > 1 {
                for g in (last + 1)..<k {
                    let w = Double(g - last) / Double(k - last)
                    values[g] = values[last] * (1 - w) + values[k] * w
                    filled.append(g)
                }
            }
            last = k
        }
        report.gapsFilled = filled.count
        return (TimeSeries(name: name, start: start, step: resolvedStep, values: values, filled: filled), report)
    }
}
