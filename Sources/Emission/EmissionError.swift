/// Why a run (or the sink) could not start.
public enum EmissionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A configuration field is out of range or fields contradict each other.
    case invalidConfiguration(String)
    /// The requests to cycle are unusable (empty batch, entry outside the arena, layout mismatch).
    case invalidRequests(String)
    /// The C engine refused to start (negative errno-style code).
    case engine(operation: String, code: Int32)

    public var description: String {
        switch self {
        case .invalidConfiguration(let message): return "invalid emission configuration: \(message)"
        case .invalidRequests(let message): return "invalid requests: \(message)"
        case .engine(let operation, let code):
            return "emission engine: \(operation) failed (\(Self.describe(code)))"
        }
    }

    static func describe(_ code: Int32) -> String {
        if let text = strerrorText(-code) { return "\(text), errno \(-code)" }
        return "code \(code)"
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

private func strerrorText(_ errnum: Int32) -> String? {
    guard errnum > 0, errnum < 4096, let text = strerror(errnum) else { return nil }
    return String(cString: text)
}
