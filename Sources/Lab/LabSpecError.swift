/// A Lab spec that cannot be used: which field, and why (with the source when known).
public struct LabSpecError: Error, Sendable, CustomStringConvertible {
    /// Where the problem is: a file name and/or the field path (`routes[2].service_time`).
    public var field: String
    /// What is wrong.
    public var message: String

    /// Creates an error for `field`.
    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { "lab spec: \(field): \(message)" }
}
