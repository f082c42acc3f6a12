/// Why synthesis could not start.
public enum SynthesisError: Error, Equatable, CustomStringConvertible {
    /// An option has a value synthesis cannot use.
    case invalidOption(field: String, detail: String)
    /// The profile cannot drive a run (no routes, no rate).
    case unusableProfile(String)
    /// A scenario or fault file is invalid: where and which field.
    case invalidDocument(file: String, line: Int?, column: Int?, field: String, detail: String)

    public var description: String {
        switch self {
        case let .invalidOption(field, detail):
            return "invalid option '\(field)': \(detail)"
        case let .unusableProfile(detail):
            return "profile cannot drive synthesis: \(detail)"
        case let .invalidDocument(file, line, column, field, detail):
            let position = line.map { ":\($0)" + (column.map { ":\($0)" } ?? "") } ?? ""
            return "\(file)\(position): field '\(field)': \(detail)"
        }
    }
}
