import Traffic

/// Why a request did not get a measured response from an upstream.
public enum ShadowFailure: String, Sendable, Hashable, CaseIterable, Codable {
    /// The bounded mirror queue was full (the secondary is slower than the traffic).
    case queueFull
    /// No TCP connection could be made (or connects are paused after a recent failure).
    case connectFailed
    /// No full response within the mirror timeout (queue wait included).
    case timeout
    /// The connection closed or failed before the response was complete.
    case reset
    /// The request body exceeded the mirroring limit, so no copy was sent.
    case bodyTooLarge
    /// The proxy was shutting down.
    case shutdown
}

/// What one upstream did with one request.
public enum ShadowOutcome: Sendable, Hashable {
    /// A complete response: status, seconds from the request's arrival (primary) or send
    /// (secondary) to the last response byte, and response body bytes.
    case responded(status: Int, latency: Double, bodyBytes: Int)
    /// No complete response.
    case failed(ShadowFailure)

    /// The status, when there was a response.
    public var status: Int? {
        if case let .responded(status, _, _) = self { return status }
        return nil
    }

    /// The latency in seconds, when there was a response.
    public var latency: Double? {
        if case let .responded(_, latency, _) = self { return latency }
        return nil
    }
}

/// One proxied request as the live profiler and the monitor see it: the redacted record (with the
/// primary's status and latency filled in), what the primary did, and, when the request was
/// sampled for mirroring, what the secondary did.
public struct ShadowExchange: Sendable, Hashable {
    /// The request, redacted (no secret headers, credential query values replaced, client
    /// pseudonymized). `status`, `latency` and `responseBytes` are the primary's.
    public var record: RequestRecord
    /// The primary's outcome (what the client got).
    public var primary: ShadowOutcome
    /// The secondary's outcome; `nil` when the request was not sampled for mirroring.
    public var secondary: ShadowOutcome?

    /// Creates an exchange.
    public init(record: RequestRecord, primary: ShadowOutcome, secondary: ShadowOutcome?) {
        self.record = record
        self.primary = primary
        self.secondary = secondary
    }
}
