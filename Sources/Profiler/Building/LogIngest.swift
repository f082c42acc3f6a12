import Traffic

extension ProfileBuilder {
    /// Reads one log source into the builder and notes it in provenance. Throws on unreadable
    /// input and, in strict mode, on the first malformed line.
    @discardableResult
    public mutating func ingest(_ source: LogSource, format: LogFormat, reader: LogReader = LogReader()) throws -> LogReadSummary {
        let summary = try reader.read(source, format: format) { fields, _ in
            self.observe(fields)
        }
        recordSource(summary, format: format.name)
        return summary
    }
}
