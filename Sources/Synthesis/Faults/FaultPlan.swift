/// Which faults to inject and when. Each request is checked against the rules in order and
/// gets at most one fault (the first rule that fires).
public struct FaultPlan: Sendable, Equatable {
    /// Rules in order.
    public var rules: [FaultRule]

    /// Creates a plan.
    public init(rules: [FaultRule]) { self.rules = rules }
}

/// A kind of fault. Byte-level kinds change the serialized request; socket-level kinds set
/// emitter flags (`CEMIT_FLAG_*` in CEmit.h).
public enum FaultKind: String, Sendable, CaseIterable, Equatable {
    /// A header line without a colon (and with a space in its name).
    case badHeaderLine = "bad-header-line"
    /// `Content-Length` larger than the body by `bytes` (default 16).
    case wrongContentLength = "wrong-content-length"
    /// `Content-Length` of the whole body but only half of it sent (a body is added if the route has none).
    case truncatedBody = "truncated-body"
    /// Headers padded to `bytes` (default 65536) with an `X-Shadowcast-Padding` header.
    case oversizedHeaders = "oversized-headers"
    /// The request bytes dripped over `duration` (CEMIT_FLAG_DRIP, milliseconds in the parameter bits).
    case slowSend = "slow-send"
    /// Connection reset (RST) right after the request is sent (CEMIT_FLAG_RESET).
    case reset = "reset"
    /// Connection closed after sending, the response never read (CEMIT_FLAG_ABANDON).
    case abandon = "abandon"

    /// Whether the fault is made of bytes (rather than socket behaviour).
    public var isByteLevel: Bool {
        switch self {
        case .badHeaderLine, .wrongContentLength, .truncatedBody, .oversizedHeaders: return true
        case .slowSend, .reset, .abandon: return false
        }
    }

    /// Name of the route the faulted requests are recorded under (apart from clean routes).
    public var routeName: String { "fault:\(rawValue)" }
}

/// One fault rule: a kind, a per-request probability, and optionally a window.
public struct FaultRule: Sendable, Equatable {
    /// The fault.
    public var kind: FaultKind
    /// Probability per request (inside the window, when there is one), 0…1.
    public var probability: Double
    /// Window start, run seconds (`nil`: the whole run).
    public var windowStart: Double?
    /// Window length, seconds.
    public var windowDuration: Double?
    /// Size parameter: padding size for `oversized-headers`, extra claimed bytes for `wrong-content-length`.
    public var bytes: Int?
    /// Drip duration for `slow-send`, seconds.
    public var dripSeconds: Double?

    /// Creates a rule.
    public init(kind: FaultKind, probability: Double, windowStart: Double? = nil, windowDuration: Double? = nil, bytes: Int? = nil, dripSeconds: Double? = nil) {
        self.kind = kind
        self.probability = probability
        self.windowStart = windowStart
        self.windowDuration = windowDuration
        self.bytes = bytes
        self.dripSeconds = dripSeconds
    }

    /// Whether the rule applies at run time `t` seconds.
    func isActive(at t: Double) -> Bool {
        guard let windowStart else { return true }
        return t >= windowStart && t < windowStart + (windowDuration ?? .infinity)
    }
}

/// Emitter flag bits, mirroring `CEMIT_FLAG_*` in `CSources/CEmit/include/CEmit.h` (Synthesis
/// sits before Emission in the pipeline and cannot import it; Emission checks the values).
public enum EmitterFlags {
    /// Send the request slowly over `parameter` milliseconds.
    public static let drip: UInt32 = 1 << 0
    /// Reset the connection after sending.
    public static let reset: UInt32 = 1 << 1
    /// Close without reading the response.
    public static let abandon: UInt32 = 1 << 2
    /// Shift of the 16-bit parameter.
    public static let parameterShift: UInt32 = 16
}
