/// Why one log line did not parse: a reason and the byte column where parsing stopped.
public struct LineParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Short reason, stable across lines so reasons can be counted (`unterminated quoted user agent`).
    public var reason: String
    /// 0-based byte column in the line.
    public var column: Int

    /// Creates a parse error.
    public init(_ reason: String, column: Int) {
        self.reason = reason
        self.column = column
    }

    public var description: String { "\(reason) (column \(column + 1))" }
}

/// A log line parser: fills ``LogFields`` from one line (without its newline).
public protocol LogLineParser {
    /// Parses `line`, returning `nil` on success or why it failed.
    mutating func parse(_ line: UnsafeBufferPointer<UInt8>, into fields: inout LogFields) -> LineParseError?
}
