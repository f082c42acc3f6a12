/// A configuration value the proxy cannot run with; the message names the option and the value.
public enum ShadowConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// `option` was given `value`, which is unusable for `reason`.
    case invalid(option: String, value: String, reason: String)

    public var description: String {
        switch self {
        case let .invalid(option, value, reason):
            return "--\(option) '\(value)': \(reason)"
        }
    }
}
