/// Where a profile's data came from and how it was cleaned. Never holds the salt.
public struct Provenance: Sendable, Codable, Equatable {
    /// One input (a file, a gzip file, standard input, or the live proxy).
    public struct Source: Sendable, Codable, Equatable {
        /// File path as given, `-` for standard input, `live` for records added one by one.
        public var name: String
        /// Log format name (`combined`, `common`, `nginx`, `jsonl`, `pattern`, `records`).
        public var format: String
        /// Whether the input was gzip-compressed.
        public var gzip: Bool
        /// Bytes read (after decompression).
        public var bytes: Int
        /// Lines read (non-empty lines; for `live`, records added).
        public var lines: Int
        /// Lines parsed into records.
        public var parsed: Int
        /// Lines skipped because they did not parse.
        public var skipped: Int
        /// Skipped lines per reason (`truncated quoted field`, `bad timestamp`, …).
        public var skipReasons: [WeightedValue]
        /// The first skipped lines: line number and reason (no line content: it may hold secrets).
        public var firstSkipped: [SkippedLine]

        /// Creates a source summary.
        public init(
            name: String, format: String, gzip: Bool, bytes: Int, lines: Int, parsed: Int,
            skipped: Int, skipReasons: [WeightedValue], firstSkipped: [SkippedLine]
        ) {
            self.name = name
            self.format = format
            self.gzip = gzip
            self.bytes = bytes
            self.lines = lines
            self.parsed = parsed
            self.skipped = skipped
            self.skipReasons = skipReasons
            self.firstSkipped = firstSkipped
        }
    }

    /// A line that did not parse.
    public struct SkippedLine: Sendable, Codable, Equatable {
        /// 1-based line number in its source.
        public var line: Int
        /// Byte offset of the line's start in its (decompressed) source.
        public var byteOffset: Int
        /// Why it did not parse.
        public var reason: String

        /// Creates a skipped-line note.
        public init(line: Int, byteOffset: Int, reason: String) {
            self.line = line
            self.byteOffset = byteOffset
            self.reason = reason
        }
    }

    /// How secrets and identities were handled.
    public struct RedactionPolicy: Sendable, Codable, Equatable {
        /// `hash` (keyed SipHash-2-4 pseudonyms under a per-profile salt that is never stored) or `drop`.
        public var clients: String
        /// Header names whose values are never read or stored.
        public var droppedHeaders: [String]
        /// Query keys seen whose values were withheld as credentials.
        public var redactedQueryKeys: [String]
        /// Parameter/query values not stored because they looked like secrets (long random tokens).
        public var withheldSecretLikeValues: Int

        /// Creates a policy description.
        public init(clients: String, droppedHeaders: [String], redactedQueryKeys: [String], withheldSecretLikeValues: Int) {
            self.clients = clients
            self.droppedHeaders = droppedHeaders
            self.redactedQueryKeys = redactedQueryKeys
            self.withheldSecretLikeValues = withheldSecretLikeValues
        }
    }

    /// Inputs in the order they were read.
    public var sources: [Source]
    /// Sum of `lines` over sources.
    public var totalLines: Int
    /// Sum of `parsed` over sources.
    public var parsedLines: Int
    /// Sum of `skipped` over sources.
    public var skippedLines: Int
    /// Records whose timestamp was earlier than the reorder window allowed (kept, not dropped).
    public var lateRecords: Int
    /// Records kept in every distribution but outside the history's range (more than
    /// `maxSteps` steps from the first one); `nil` when there were none. Use a wider step.
    public var outOfRangeRecords: Int?
    /// The reorder window used, in seconds.
    public var reorderWindowSeconds: Double
    /// First request time, ISO-8601 UTC (`nil` when no record was kept).
    public var start: String?
    /// Last request time, ISO-8601 UTC.
    public var end: String?
    /// Redaction applied before anything was kept.
    public var redaction: RedactionPolicy
    /// When the profile was built, ISO-8601 UTC.
    public var generatedAt: String
    /// The tool that built it (`shadowcast profile`, or an embedding application).
    public var generator: String

    /// Creates provenance.
    public init(
        sources: [Source], totalLines: Int, parsedLines: Int, skippedLines: Int, lateRecords: Int,
        reorderWindowSeconds: Double, start: String?, end: String?, redaction: RedactionPolicy,
        generatedAt: String, generator: String, outOfRangeRecords: Int? = nil
    ) {
        self.outOfRangeRecords = outOfRangeRecords
        self.sources = sources
        self.totalLines = totalLines
        self.parsedLines = parsedLines
        self.skippedLines = skippedLines
        self.lateRecords = lateRecords
        self.reorderWindowSeconds = reorderWindowSeconds
        self.start = start
        self.end = end
        self.redaction = redaction
        self.generatedAt = generatedAt
        self.generator = generator
    }
}
