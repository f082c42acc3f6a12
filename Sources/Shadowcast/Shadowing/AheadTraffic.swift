import Emission
import Profiler
import Synthesis

/// Turns "this many extra requests per second for the next step" into real requests to the
/// secondary: sampled from the live profile (routes, methods, sizes, agents of what the proxy
/// saw) by `Synthesis`, sent by `Emission` on the open model. Synthesis follows the emitter's
/// clock (``SchedulePacing``): when the box is starved, requests already late are counted, not
/// rendered and sent late.
struct AheadTraffic: Sendable {
    let settings: PredictiveShadowLoopConfiguration.Synthetic

    /// The profile with its rate shape removed, so synthesis draws a flat rate (scaled to the
    /// asked rate) and only the mix, sizes and agents come from the live traffic.
    static func flattened(_ profile: RequestProfile) -> RequestProfile {
        var flat = profile
        flat.forecast = nil
        flat.history.total = []
        flat.history.routes = []
        flat.timeMix.hourOfDay = []
        flat.totals.meanRatePerSecond = max(flat.totals.meanRatePerSecond, 1)
        return flat
    }

    /// Starts a run of `rate` req/s lasting `seconds` against the secondary; seeded by `step`.
    func start(profile: RequestProfile, rate: Double, seconds: Double, step: Int) throws -> AheadRun {
        var options = SynthesisOptions()
        options.seed = settings.seed &+ UInt64(step)
        options.durationSeconds = seconds
        options.rate = .absolute(rate)
        options.host = settings.host
        options.chunkSpanNanos = min(options.chunkSpanNanos, Int64(seconds * 1e9 / 4))
        var emission = EmissionConfiguration(target: settings.target, model: .schedule)
        emission.duration = .nanoseconds(Int64(seconds * 1e9))
        emission.connections = settings.connections
        emission.requestTimeout = settings.requestTimeout
        emission.connectTimeout = settings.requestTimeout
        emission.drain = settings.drain
        emission.backend = settings.backend
        let schedule = try SynthesizedSchedule(
            profile: profile, options: options, pacing: SchedulePacing(lateThreshold: emission.lateThreshold))
        let run = try Emitter.start(emission, schedule: schedule, routes: schedule.routeNames)
        return AheadRun(run: run, synthesis: schedule.progress)
    }
}
