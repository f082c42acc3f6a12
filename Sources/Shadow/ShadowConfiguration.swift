import NIOCore
import Traffic

/// Everything the shadow proxy needs to run. Defaults suit a loopback benchmark on a small machine.
public struct ShadowConfiguration: Sendable {
    /// Where clients connect.
    public var listen: ShadowEndpoint
    /// The service whose responses clients get.
    public var primary: ShadowEndpoint
    /// Where a copy of sampled requests goes; `nil` proxies without mirroring.
    public var secondary: ShadowEndpoint?
    /// Share of requests mirrored to the secondary, 0...100 (resolution 0.0001 %).
    public var mirrorPercent: Double = 100
    /// Seed of the sampling hash: the same seed and arrival order mirror the same requests.
    public var samplingSeed: UInt64 = 0x5EED_5EED_5EED_5EED
    /// Number of event loops (threads); each owns its client connections and upstream pools.
    public var eventLoops: Int = System.coreCount
    /// Client connections a loop takes before the next loop gets new ones; once every loop holds
    /// this many, new connections go to the loop with the fewest. A few connections on one loop
    /// keep the thread hand-offs per request down at low concurrency (on a 2-core machine,
    /// 4 connections on 2 loops had a ~3× higher p99 than on one); 0 spreads from the start.
    public var packConnectionsPerLoop: Int = 8
    /// Idle keep-alive connections to the primary kept per event loop.
    public var primaryIdleConnectionsPerLoop: Int = 1024
    /// How long to wait for a TCP connection to the primary before answering 502.
    public var primaryConnectTimeout: Duration = .seconds(5)
    /// Connections to the secondary per event loop (each carries one request at a time).
    public var mirrorConnectionsPerLoop: Int = 64
    /// Mirror requests waiting for a secondary connection, per event loop; beyond it they are dropped.
    public var mirrorQueueCapacityPerLoop: Int = 1024
    /// Longest a mirrored request may wait in the queue plus wait for its full response.
    public var mirrorTimeout: Duration = .seconds(2)
    /// How long to wait for a TCP connection to the secondary.
    public var mirrorConnectTimeout: Duration = .milliseconds(500)
    /// After a failed connect to the secondary, mirror requests are dropped (not retried) for this long.
    public var mirrorRetryAfterConnectFailure: Duration = .milliseconds(200)
    /// Request bodies larger than this are forwarded to the primary but not mirrored.
    public var mirrorMaxBodyBytes: Int = 1 << 20
    /// Whether to append `Via: 1.1 shadowcast` to forwarded requests and returned responses.
    public var addVia: Bool = false
    /// Removes secrets before a request is recorded.
    public var redactor: Redactor = Redactor()

    /// Creates a configuration; the remaining fields keep their defaults.
    public init(listen: ShadowEndpoint, primary: ShadowEndpoint, secondary: ShadowEndpoint?) {
        self.listen = listen
        self.primary = primary
        self.secondary = secondary
    }

    /// Checks ranges and combinations; the error names the offending option.
    public func validate() throws(ShadowConfigurationError) {
        guard mirrorPercent.isFinite, (0...100).contains(mirrorPercent) else {
            throw .invalid(option: "mirror-percent", value: "\(mirrorPercent)", reason: "must be between 0 and 100")
        }
        guard eventLoops >= 1 else { throw .invalid(option: "threads", value: "\(eventLoops)", reason: "must be at least 1") }
        guard mirrorConnectionsPerLoop >= 1 else {
            throw .invalid(option: "mirror-connections", value: "\(mirrorConnectionsPerLoop)", reason: "must be at least 1")
        }
        guard mirrorQueueCapacityPerLoop >= 0 else {
            throw .invalid(option: "mirror-queue", value: "\(mirrorQueueCapacityPerLoop)", reason: "must not be negative")
        }
        guard mirrorTimeout > .zero else {
            throw .invalid(option: "mirror-timeout", value: "\(mirrorTimeout)", reason: "must be positive")
        }
        guard packConnectionsPerLoop >= 0 else {
            throw .invalid(option: "pack-connections", value: "\(packConnectionsPerLoop)", reason: "must not be negative")
        }
        guard primaryIdleConnectionsPerLoop >= 0, mirrorMaxBodyBytes >= 0 else {
            throw .invalid(option: "limits", value: "", reason: "must not be negative")
        }
        if let secondary, secondary == primary {
            throw .invalid(option: "secondary", value: "\(secondary)", reason: "is the same endpoint as --primary")
        }
        if primary == listen || secondary == listen {
            throw .invalid(option: "listen", value: "\(listen)", reason: "is the same endpoint as an upstream (the proxy would call itself)")
        }
    }
}

extension Duration {
    /// The duration as a NIO `TimeAmount` (nanosecond resolution, saturating).
    var timeAmount: TimeAmount {
        let (seconds, attoseconds) = components
        let nanos = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if nanos.overflow { return .nanoseconds(.max) }
        return .nanoseconds(nanos.partialValue &+ attoseconds / 1_000_000_000)
    }
}
