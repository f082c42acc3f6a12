import Shadowcast

/// One line of `--records` output: the redacted record and both outcomes, flattened for JSON.
struct ExchangeLine: Encodable {
    var record: RequestRecord
    var primaryFailure: String?
    var mirrored: Bool
    var secondaryStatus: Int?
    var secondaryLatency: Double?
    var secondaryFailure: String?

    init(_ exchange: ShadowExchange) {
        record = exchange.record
        if case let .failed(reason) = exchange.primary { primaryFailure = reason.rawValue }
        mirrored = exchange.secondary != nil
        switch exchange.secondary {
        case let .responded(status, latency, _)?:
            secondaryStatus = status
            secondaryLatency = latency
        case let .failed(reason)?:
            secondaryFailure = reason.rawValue
        case nil:
            break
        }
    }
}
