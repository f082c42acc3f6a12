/// Failed requests by kind.
public struct EmissionErrorCounts: Sendable, Equatable, Codable {
    /// Connection refused (per connect attempt).
    public var refused: UInt64 = 0
    /// Connection reset or broken pipe.
    public var reset: UInt64 = 0
    /// Connect timeout, request timeout, or an open-model request that could not be sent in time.
    public var timeout: UInt64 = 0
    /// The peer closed the connection with a response outstanding.
    public var closedEarly: UInt64 = 0
    /// A malformed response (the connection is recycled).
    public var parse: UInt64 = 0
    /// Any other socket error.
    public var other: UInt64 = 0

    /// Creates counts.
    public init(refused: UInt64 = 0, reset: UInt64 = 0, timeout: UInt64 = 0, closedEarly: UInt64 = 0, parse: UInt64 = 0, other: UInt64 = 0) {
        self.refused = refused
        self.reset = reset
        self.timeout = timeout
        self.closedEarly = closedEarly
        self.parse = parse
        self.other = other
    }

    /// All kinds together.
    public var total: UInt64 { refused + reset + timeout + closedEarly + parse + other }

    /// `(name, count)` pairs in a fixed order; names are the JSON keys.
    public var byKind: [(kind: String, count: UInt64)] {
        [("refused", refused), ("reset", reset), ("timeout", timeout), ("closed_early", closedEarly), ("parse", parse), ("other", other)]
    }

    init<C: Collection<UInt64>>(engineOrder values: C) {
        let v = Array(values)
        self.init(refused: v[0], reset: v[1], timeout: v[2], closedEarly: v[3], parse: v[4], other: v[5])
    }

    static func - (a: Self, b: Self) -> Self {
        Self(refused: a.refused &- b.refused, reset: a.reset &- b.reset, timeout: a.timeout &- b.timeout,
             closedEarly: a.closedEarly &- b.closedEarly, parse: a.parse &- b.parse, other: a.other &- b.other)
    }
}
