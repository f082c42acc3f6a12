import ArgumentParser
import Shadowcast

/// `shadowcast run --max`: the closed model (wrk's) over the profile's synthesized stream.
///
/// Every connection sends the stream's next request as soon as the previous one is answered; the
/// requests are the ones the open model would send, in the same order (same seed → same request
/// sequence; `--shard i/N` takes request `k` when `k % N == i`), but their send times are ignored.
/// The stream is drawn at ``nominalRate`` — far above what one process can send — so it does
/// not run out before `--duration`; its time axis then only orders the requests. Options that
/// only place requests in time therefore have no meaning here and are refused (see
/// ``conflicts(synthesis:autoscaling:)``); what shapes the requests themselves (route shares,
/// payload scale, user agents, geo, faults by probability) still applies.
enum ClosedRunStream {
    /// Requests per second of schedule time the closed stream is drawn at.
    static let nominalRate = 50_000_000.0

    /// The options of `run` that only shape arrival times, given together with `--max`: one
    /// message per conflict (empty when none).
    static func conflicts(synthesis: SynthesisArguments, autoscaling: AutoscaleOptions) -> [String] {
        var found: [String] = []
        let reason = "shapes arrival times, which the closed model (--max) ignores"
        if synthesis.rate != nil { found.append("--rate \(reason) (use --rate without --max for the open model)") }
        if synthesis.rateScale != nil { found.append("--rate-scale \(reason)") }
        if synthesis.quantile != nil { found.append("--quantile \(reason)") }
        if synthesis.sampledPath { found.append("--sampled-path \(reason)") }
        if synthesis.timeCompression != 1 { found.append("--time-compression \(reason)") }
        if synthesis.evenArrivals { found.append("--even-arrivals \(reason)") }
        if synthesis.sessions { found.append("--sessions: session think times are arrival times, which the closed model (--max) ignores") }
        if synthesis.scenario != nil { found.append("--scenario: scenario events are placed in run time, which the closed model (--max) does not follow") }
        if autoscaling.autoscale == .predictive { found.append("--autoscale predictive provisions for the planned arrival rate, which the closed model (--max) does not have") }
        return found
    }

    /// `options` with the stream drawn at ``nominalRate``.
    static func options(_ options: SynthesisOptions) -> SynthesisOptions {
        var closed = options
        closed.rate = .absolute(nominalRate)
        return closed
    }

    /// Refuses fault rules limited to a time window (the closed model has no schedule time).
    static func checkFaults(_ plan: FaultPlan?) throws {
        guard let plan else { return }
        for (index, rule) in plan.rules.enumerated() where rule.windowStart != nil || rule.windowDuration != nil {
            throw ValidationError("--faults rule \(index + 1) (\(rule.kind.rawValue)) has a time window, which the closed model (--max) cannot follow: use a probability-only rule or the open model")
        }
    }
}
