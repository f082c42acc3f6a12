#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Settings for reading a log.
public struct LogReaderConfiguration: Sendable {
    /// Bytes read per system call (the buffer is this plus ``maxLineLength``). Small enough
    /// that the bytes the kernel just copied are still in the L2 cache when the parser reads
    /// them (4 MiB reads went out to memory and back: the copy cost ~2× and the parse missed).
    public var bufferSize = 128 << 10
    /// Longer lines are skipped with reason `line too long`.
    public var maxLineLength = 1 << 20
    /// Make the first malformed line an error instead of a counted skip. Lines that are well formed
    /// but record no request (``LineParseError/noRequest(column:)``) are still counted, not thrown.
    public var strict = false
    /// How many skipped lines to remember with number and reason.
    public var keepFirstSkipped = 10

    /// The defaults: 4 MiB reads, 1 MiB lines, lenient, 10 examples.
    public init() {}
}

/// What reading one source produced.
public struct LogReadSummary: Sendable, Equatable {
    /// One skipped line.
    public struct Skip: Sendable, Equatable {
        /// 1-based line number.
        public var line: Int
        /// Byte offset of the line start in the (decompressed) input.
        public var byteOffset: Int
        /// Why.
        public var reason: String
        /// Where in the line (0-based byte column).
        public var column: Int
    }

    /// Source name.
    public var source: String
    /// Whether it was gzip.
    public var gzip = false
    /// Decompressed bytes read.
    public var bytes = 0
    /// Non-empty lines seen.
    public var lines = 0
    /// Lines parsed.
    public var parsed = 0
    /// Lines skipped.
    public var skipped = 0
    /// Skip counts per reason.
    public var reasons: [String: Int] = [:]
    /// The first ``LogReaderConfiguration/keepFirstSkipped`` skips.
    public var firstSkipped: [Skip] = []

    /// Creates an empty summary.
    public init(source: String) { self.source = source }
}

/// A malformed line in strict mode.
public struct MalformedLineError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The source name.
    public var source: String
    /// The skip.
    public var skip: LogReadSummary.Skip
    public var description: String {
        "\(source):\(skip.line): \(skip.reason) (byte offset \(skip.byteOffset), column \(skip.column + 1))"
    }
}

/// Streams lines from a ``LogSource`` through a ``LogLineParser``: constant memory (one buffer),
/// lines found with memchr, no per-line allocation. Lines that do not parse are counted with
/// their number and reason (or, in strict mode, the first one is thrown).
public struct LogReader {
    /// Settings.
    public var configuration: LogReaderConfiguration

    /// Creates a reader.
    public init(configuration: LogReaderConfiguration = LogReaderConfiguration()) {
        self.configuration = configuration
    }

    /// Reads every line of `source`, calling `body` with the fields of each parsed line and its
    /// 1-based line number. The fields' spans are valid only during the call.
    public func read<Parser: LogLineParser>(
        _ source: LogSource, parser: inout Parser, _ body: (inout LogFields, Int) throws -> Void
    ) throws -> LogReadSummary {
        var summary = LogReadSummary(source: source.name)
        let capacity = configuration.bufferSize + configuration.maxLineLength
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        defer { buffer.deallocate() }
        var fields = LogFields()
        var filled = 0
        var lineNumber = 0
        var consumedBytes = 0  // input offset of buffer[0]
        var skippingLongLine = false
        var atEnd = false
        var bomSkipped = false
        while !atEnd {
            let n = try source.read(into: buffer + filled, capacity: min(capacity - filled, configuration.bufferSize))
            if n == 0 { atEnd = true }
            filled += n
            summary.bytes += n
            var start = 0
            // A UTF-8 byte-order mark (files saved by some Windows tools) is not part of the first line.
            if !bomSkipped && consumedBytes == 0 && filled >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF {
                start = 3
                bomSkipped = true
            }
            while start < filled {
                var newline = ByteScan.find(10, UnsafePointer(buffer), from: start, end: filled)
                if newline == filled {
                    if !atEnd {
                        if filled - start >= configuration.maxLineLength {
                            // Too long: count once, drop bytes until the next newline.
                            if !skippingLongLine {
                                lineNumber += 1
                                summary.lines += 1
                                try skip(&summary, line: lineNumber, offset: consumedBytes + start, error: LineParseError("line too long (over \(configuration.maxLineLength) bytes)", column: 0))
                                skippingLongLine = true
                            }
                            start = filled
                        }
                        break
                    }
                    newline = filled  // last line without newline
                }
                if skippingLongLine {
                    skippingLongLine = false
                    start = newline + 1
                    continue
                }
                var lineEnd = newline
                if lineEnd > start && buffer[lineEnd - 1] == 13 { lineEnd -= 1 }
                lineNumber += 1
                if lineEnd > start {
                    summary.lines += 1
                    let line = UnsafeBufferPointer(start: UnsafePointer(buffer + start), count: lineEnd - start)
                    if let error = parser.parse(line, into: &fields) {
                        try skip(&summary, line: lineNumber, offset: consumedBytes + start, error: error)
                    } else {
                        summary.parsed += 1
                        try body(&fields, lineNumber)
                    }
                }
                start = newline + 1
            }
            // Keep the partial last line at the front.
            let rest = max(0, filled - start)
            if rest > 0 && start > 0 { memmove(buffer, buffer + start, rest) }
            consumedBytes += min(start, filled)
            filled = rest
        }
        summary.gzip = source.isGzip
        return summary
    }

    private func skip(_ summary: inout LogReadSummary, line: Int, offset: Int, error: LineParseError) throws {
        let record = LogReadSummary.Skip(line: line, byteOffset: offset, reason: error.reason, column: error.column)
        if configuration.strict && error.malformed { throw MalformedLineError(source: summary.source, skip: record) }
        summary.skipped += 1
        summary.reasons[error.reason, default: 0] += 1
        if summary.firstSkipped.count < configuration.keepFirstSkipped { summary.firstSkipped.append(record) }
    }
}
