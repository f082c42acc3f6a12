import Foundation
import Profiler
import Shadow
import Synchronization

/// The live profile of the predictive loop: what the shadow proxy saw, as request counts per
/// step and as a `Profiler` profile to sample synthetic traffic from.
///
/// Feed it the proxy's exchanges (already redacted by the proxy) from the sink's consumer;
/// the loop reads and resets the step count once a step and asks for a profile when it has
/// traffic to play ahead. Memory is bounded: the profile covers a rolling window of at most
/// `windowRequests` requests (two builders: the filling one and the last full one), each
/// within the profiler's own caps.
public final class LiveTraffic: Sendable {
    private struct State: Sendable {
        var current: ProfileBuilder
        var previous: ProfileBuilder?
        var stepRequests = 0
        var total = 0
    }

    /// Settings of the profile builders.
    public let profiler: ProfilerConfiguration
    /// Requests per window (the profile comes from the last one or two windows).
    public let windowRequests: Int
    private let state: Mutex<State>

    /// Creates an empty live profile; `stepSeconds` is the profile's time step.
    public init(stepSeconds: Double, windowRequests: Int = 200_000, profiler: ProfilerConfiguration = ProfilerConfiguration()) {
        var settings = profiler
        settings.stepSeconds = max(1e-3, stepSeconds)
        self.profiler = settings
        self.windowRequests = max(1, windowRequests)
        state = Mutex(State(current: ProfileBuilder(configuration: settings)))
    }

    /// Adds a batch of exchanges (the records the proxy built, redacted, with the primary's
    /// status and latency).
    public func ingest(_ exchanges: [ShadowExchange]) {
        state.withLock { s in
            for exchange in exchanges {
                s.current.add(exchange.record)
                if s.current.observedRequests >= windowRequests {
                    s.previous = s.current
                    s.current = ProfileBuilder(configuration: profiler)
                }
            }
            s.stepRequests += exchanges.count
            s.total += exchanges.count
        }
    }

    /// Requests ingested since the last call (the loop calls it once per step).
    public func takeStepCount() -> Int {
        state.withLock { s in
            defer { s.stepRequests = 0 }
            return s.stepRequests
        }
    }

    /// Requests ingested in all.
    public var totalRequests: Int { state.withLock { $0.total } }

    /// The profile of the recent window, or `nil` before the first request. Built outside the
    /// lock from a copy, so ingestion is held up only for the copy.
    public func profile() -> RequestProfile? {
        let builder: ProfileBuilder? = state.withLock { s in
            if let previous = s.previous, s.current.observedRequests < windowRequests / 10 { return previous }
            return s.current.observedRequests > 0 ? s.current : s.previous
        }
        return builder?.profile()
    }
}
