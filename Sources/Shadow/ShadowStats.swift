import Histogram

/// Counters and latency distributions of a running (or stopped) proxy, summed over its event loops.
public struct ShadowStats: Sendable {
    /// Client connections accepted.
    public var clientConnections = 0
    /// Requests received from clients.
    public var requests = 0
    /// Responses from the primary delivered to clients (complete).
    public var primaryResponses = 0
    /// Requests the primary did not answer completely (502 sent or connection cut).
    public var primaryFailures = 0
    /// Requests whose client closed the connection before the response was complete.
    public var clientAborts = 0
    /// Responses the proxy answered itself with 502 because the primary was unreachable.
    public var badGatewayResponses = 0
    /// Connections opened to the primary (the rest of the requests reused kept-alive ones).
    public var primaryConnectionsOpened = 0
    /// Requests chosen by the sampler for mirroring.
    public var mirrorSampled = 0
    /// Mirrored requests the secondary answered completely.
    public var mirrorCompleted = 0
    /// Sampled requests that did not get a complete secondary response, by reason.
    public var mirrorDrops: [ShadowFailure: Int] = [:]
    /// Connections opened to the secondary.
    public var mirrorConnectionsOpened = 0
    /// Mirrored requests whose secondary status differed from the primary's.
    public var statusMismatches = 0
    /// Exchanges accepted by the sink.
    public var recordsEmitted = 0
    /// Exchanges the sink refused (buffer full).
    public var recordsDropped = 0
    /// Primary response counts by status class (index 1 = 1xx … 5 = 5xx; 0 = other).
    public var primaryStatusClasses = [Int](repeating: 0, count: 6)
    /// Secondary response counts by status class.
    public var secondaryStatusClasses = [Int](repeating: 0, count: 6)
    /// Primary latency (request arrival to last response byte), microseconds.
    public var primaryLatencyMicros = ShadowStats.makeHistogram()
    /// Secondary latency (send to last response byte), microseconds.
    public var secondaryLatencyMicros = ShadowStats.makeHistogram()

    /// Creates empty statistics.
    public init() {}

    /// Sampled requests that were dropped, all reasons together.
    public var mirrorDropped: Int { mirrorDrops.values.reduce(0, +) }

    /// Adds another loop's (or run's) statistics to these.
    public mutating func add(_ other: ShadowStats) {
        clientConnections += other.clientConnections
        requests += other.requests
        primaryResponses += other.primaryResponses
        primaryFailures += other.primaryFailures
        badGatewayResponses += other.badGatewayResponses
        clientAborts += other.clientAborts
        primaryConnectionsOpened += other.primaryConnectionsOpened
        mirrorSampled += other.mirrorSampled
        mirrorCompleted += other.mirrorCompleted
        mirrorDrops.merge(other.mirrorDrops, uniquingKeysWith: +)
        mirrorConnectionsOpened += other.mirrorConnectionsOpened
        statusMismatches += other.statusMismatches
        recordsEmitted += other.recordsEmitted
        recordsDropped += other.recordsDropped
        for index in 0..<6 {
            primaryStatusClasses[index] += other.primaryStatusClasses[index]
            secondaryStatusClasses[index] += other.secondaryStatusClasses[index]
        }
        primaryLatencyMicros.add(other.primaryLatencyMicros)
        secondaryLatencyMicros.add(other.secondaryLatencyMicros)
    }

    /// A histogram of 1 µs … 1 h with 3 significant digits.
    static func makeHistogram() -> Histogram<UInt64> {
        Histogram(lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
    }

    static func statusClass(_ status: Int) -> Int {
        let cls = status / 100
        return (1...5).contains(cls) ? cls : 0
    }

    /// A human-readable multi-line summary.
    public var summary: String {
        func latency(_ histogram: Histogram<UInt64>) -> String {
            guard histogram.totalCount > 0 else { return "n/a" }
            func ms(_ micros: UInt64) -> String {
                let value = Double(micros) / 1000
                return value < 10 ? String(Double(Int(value * 1000)) / 1000) : String(Double(Int(value * 10)) / 10)
            }
            return "p50 \(ms(histogram.valueAtPercentile(50))) ms, p90 \(ms(histogram.valueAtPercentile(90))) ms, "
                + "p99 \(ms(histogram.valueAtPercentile(99))) ms, max \(ms(histogram.max)) ms (n=\(histogram.totalCount))"
        }
        func classes(_ counts: [Int]) -> String {
            (1...5).filter { counts[$0] > 0 }.map { "\($0)xx \(counts[$0])" }.joined(separator: ", ")
        }
        var lines = [
            "requests: \(requests) on \(clientConnections) client connections; primary answered \(primaryResponses), failed \(primaryFailures) (502 sent: \(badGatewayResponses)); client aborts \(clientAborts); primary connections opened \(primaryConnectionsOpened)",
            "primary status: \(classes(primaryStatusClasses))",
            "primary latency: \(latency(primaryLatencyMicros))",
            "mirror: sampled \(mirrorSampled), completed \(mirrorCompleted), dropped \(mirrorDropped), connections opened \(mirrorConnectionsOpened), status mismatches \(statusMismatches)",
        ]
        if mirrorDropped > 0 {
            lines.append("mirror drops: " + ShadowFailure.allCases.compactMap { reason in
                mirrorDrops[reason].map { "\(reason.rawValue) \($0)" }
            }.joined(separator: ", "))
        }
        if mirrorCompleted > 0 {
            lines.append("secondary status: \(classes(secondaryStatusClasses))")
            lines.append("secondary latency: \(latency(secondaryLatencyMicros))")
        }
        lines.append("records: emitted \(recordsEmitted), dropped \(recordsDropped)")
        return lines.joined(separator: "\n")
    }
}
