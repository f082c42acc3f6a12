/// Why one log line did not parse: a reason and the byte column where parsing stopped.
public struct LineParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Short reason, stable across lines so reasons can be counted (`unterminated quoted user agent`).
    public var reason: String
    /// 0-based byte column in the line.
    public var column: Int
    /// Whether the line is broken. `false` for a well-formed line that records no request (a
    /// server's `"-"` request line): it is still skipped and counted, but strict mode accepts it.
    public var malformed: Bool

    /// Creates a parse error.
    public init(_ reason: String, column: Int, malformed: Bool = true) {
        self.reason = reason
        self.column = column
        self.malformed = malformed
    }

    /// The reason counted for a line whose request line is `"-"` or empty: the server logged a
    /// connection on which no request arrived (nginx writes `"-"` with status 400 or 408 when a
    /// client connects and sends nothing, or closes first).
    public static let noRequestReason = "no request (\"-\": the connection sent none)"

    /// A well-formed line that records no request (see ``noRequestReason``).
    public static func noRequest(column: Int) -> LineParseError {
        LineParseError(noRequestReason, column: column, malformed: false)
    }

    /// The error for a request line that does not split into method and target: ``noRequest(column:)``
    /// when it is `-` or empty, otherwise `malformed request line`.
    static func badRequestLine(_ base: UnsafePointer<UInt8>, from: Int, to: Int, column: Int) -> LineParseError {
        let length = to - from
        if length == 0 || (length == 1 && base[from] == UInt8(ascii: "-")) { return noRequest(column: column) }
        return LineParseError("malformed request line", column: column)
    }

    public var description: String { "\(reason) (column \(column + 1))" }
}

/// A log line parser: fills ``LogFields`` from one line (without its newline).
public protocol LogLineParser {
    /// Parses `line`, returning `nil` on success or why it failed.
    mutating func parse(_ line: UnsafeBufferPointer<UInt8>, into fields: inout LogFields) -> LineParseError?
}
