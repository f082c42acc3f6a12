import Profiler

/// The run cut into segments of constant rate and mix: profile steps (compressed into run time),
/// scenario event boundaries, and ramps in steps of at most ``rampStepSeconds``. Arrivals inside
/// a segment are an exact homogeneous Poisson process at its rate.
public struct RatePlan: Sendable {
    /// A hot key active in a segment.
    public struct ActiveHotKey: Sendable, Hashable {
        /// Route index.
        public var route: Int
        /// Parameter name.
        public var parameter: String
        /// Value.
        public var value: String
        /// Probability that a request of the route carries the value.
        public var probability: Double
    }

    /// One stretch of constant rate and mix.
    public struct Segment: Sendable, Equatable {
        /// Start, run seconds.
        public var start: Double
        /// End, run seconds.
        public var end: Double
        /// Requests per second.
        public var rate: Double
        /// Index into ``RatePlan/mixes``.
        public var mix: Int
        /// Hot keys active here.
        public var hotKeys: [ActiveHotKey]
    }

    /// Longest step a ramp is applied in.
    public static let rampStepSeconds = 1.0

    /// Route names, in route-id order: the profile's routes, `{other}`, then scenario surge routes.
    public let routeNames: [String]
    /// Segments in time order, covering `[0, duration)`.
    public internal(set) var segments: [Segment]
    /// Distinct route-share vectors (each sums to 1), indexed by `Segment.mix`.
    public let mixes: [[Double]]
    /// What the rate follows.
    public let source: RateSource
    /// Expected requests over the whole run (∑ rate × length).
    public var expectedRequests: Double { segments.reduce(0) { $0 + $1.rate * ($1.end - $1.start) } }

    /// Builds the plan.
    public init(profile: RequestProfile, options: SynthesisOptions) throws {
        guard options.durationSeconds > 0, options.durationSeconds.isFinite else {
            throw SynthesisError.invalidOption(field: "duration", detail: "must be a positive number of seconds")
        }
        guard options.timeCompression > 0, options.timeCompression.isFinite else {
            throw SynthesisError.invalidOption(field: "time-compression", detail: "must be positive")
        }
        let compression = options.timeCompression
        let duration = options.durationSeconds
        let base = try BaseCurve(profile: profile, curve: options.curve, runProfileSeconds: duration * compression, seed: options.seed)
        source = base.source

        // Route names and base shares.
        var names = profile.routes.map(\.route)
        var shares = profile.routes.map { max(0, $0.share) }
        if let other = profile.other, other.share > 0 {
            names.append(RouteProfile.otherRouteName)
            shares.append(other.share)
        }
        guard !names.isEmpty, shares.reduce(0, +) > 0 else {
            throw SynthesisError.unusableProfile("no routes with a positive share")
        }
        let profileRouteCount = names.count
        for event in options.scenario?.events ?? [] {
            if let surge = event.surge, !names.contains(surge.route) {
                names.append(surge.route)
                shares.append(0)
            }
        }
        for (route, _) in options.routeShares where !names.contains(route) {
            throw SynthesisError.invalidOption(field: "route-share", detail: "route '\(route)' is not in the profile (routes: \(names.prefix(profileRouteCount).joined(separator: ", ")))")
        }
        routeNames = names
        let index = Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })

        // Boundaries.
        let runStep = base.stepSeconds / compression
        var points: [Double] = [0, duration]
        var k = 1.0
        while k * runStep < duration {
            points.append(k * runStep)
            k += 1
        }
        for event in options.scenario?.events ?? [] {
            points.append(contentsOf: event.breakpoints(rampStep: Self.rampStepSeconds))
        }
        let sorted = Array(Set(points.filter { $0 >= 0 && $0 <= duration })).sorted()

        func baseShares(step: Int) -> [Double] {
            var w = shares
            if !base.routeShares.isEmpty {
                for (i, name) in names.enumerated() {
                    if let series = base.routeShares[name], !series.isEmpty { w[i] = max(0, series[step % series.count]) }
                }
            }
            return Self.normalized(w)
        }
        func setShares(_ weights: inout [Double], fixed: [Int: Double]) {
            let fixedTotal = min(1, fixed.values.reduce(0, +))
            var rest = 0.0
            for (i, w) in weights.enumerated() where fixed[i] == nil { rest += w }
            for i in weights.indices {
                if let share = fixed[i] { weights[i] = share } else { weights[i] = rest > 0 ? weights[i] * (1 - fixedTotal) / rest : 0 }
            }
        }

        var segments: [Segment] = []
        var mixes: [[Double]] = []
        var mixIndex: [[Double]: Int] = [:]
        var rawRates: [Double] = []
        var mixFor: [[Double]] = []
        for i in 0..<(sorted.count - 1) {
            let a = sorted[i], b = sorted[i + 1]
            guard b > a else { continue }
            let mid = (a + b) / 2
            let step = Int((mid / runStep).rounded(.down))
            rawRates.append(base.rate(step: step) * compression)
            var weights = baseShares(step: step)
            if !options.routeShares.isEmpty {
                var fixed: [Int: Double] = [:]
                for (route, share) in options.routeShares { fixed[index[route]!] = max(0, min(1, share)) }
                setShares(&weights, fixed: fixed)
            }
            var hot: [ActiveHotKey] = []
            for event in options.scenario?.events ?? [] {
                let f = event.intensity(at: mid)
                guard f > 0 else { continue }
                var fixed: [Int: Double] = [:]
                for shift in event.mix {
                    guard let r = index[shift.route] else {
                        throw SynthesisError.invalidOption(field: "scenario mix", detail: "route '\(shift.route)' is not in the profile")
                    }
                    fixed[r] = weights[r] + (shift.share - weights[r]) * f
                }
                if let surge = event.surge, let r = index[surge.route] {
                    fixed[r] = weights[r] + (surge.share - weights[r]) * f
                }
                if !fixed.isEmpty { setShares(&weights, fixed: fixed) }
                if let key = event.hotKey {
                    guard let r = index[key.route] else {
                        throw SynthesisError.invalidOption(field: "scenario hotKey", detail: "route '\(key.route)' is not in the profile")
                    }
                    hot.append(ActiveHotKey(route: r, parameter: key.parameter, value: key.value, probability: key.share * f))
                }
            }
            segments.append(Segment(start: a, end: b, rate: 0, mix: 0, hotKeys: hot))
            mixFor.append(Self.normalized(weights))
        }

        // Rate override (before scenarios), then scenario rate changes.
        var scale = 1.0
        switch options.rate {
        case .profile: break
        case let .scale(x):
            guard x >= 0, x.isFinite else { throw SynthesisError.invalidOption(field: "rate-scale", detail: "must be >= 0") }
            scale = x
        case let .absolute(r):
            guard r >= 0, r.isFinite else { throw SynthesisError.invalidOption(field: "rate", detail: "must be >= 0") }
            var total = 0.0
            for (segment, rate) in zip(segments, rawRates) { total += rate * (segment.end - segment.start) }
            let mean = total / duration
            guard mean > 0 else { throw SynthesisError.unusableProfile("the profile's rate is 0 over the run; cannot scale to \(r)/s") }
            scale = r / mean
        }
        for i in segments.indices {
            var rate = rawRates[i] * scale
            let mid = (segments[i].start + segments[i].end) / 2
            for event in options.scenario?.events ?? [] {
                let f = event.intensity(at: mid)
                guard f > 0, let change = event.rate else { continue }
                switch change {
                case let .multiplier(m): rate *= 1 + (m - 1) * f
                case let .absolute(r): rate += (r - rate) * f
                }
            }
            segments[i].rate = max(0, rate)
            let mix = mixFor[i]
            if let existing = mixIndex[mix] {
                segments[i].mix = existing
            } else {
                mixIndex[mix] = mixes.count
                segments[i].mix = mixes.count
                mixes.append(mix)
            }
        }
        self.segments = segments
        self.mixes = mixes
    }

    static func normalized(_ weights: [Double]) -> [Double] {
        let total = weights.reduce(0, +)
        return total > 0 ? weights.map { $0 / total } : weights
    }

    /// Expected requests in run seconds `[from, to)` (for tests and progress estimates).
    public func expectedRequests(from: Double, to: Double) -> Double {
        segments.reduce(0) { total, s in
            let overlap = min(to, s.end) - max(from, s.start)
            return overlap > 0 ? total + overlap * s.rate : total
        }
    }

    /// Expected requests of route `route` in run seconds `[from, to)`.
    public func expectedRequests(route: Int, from: Double, to: Double) -> Double {
        segments.reduce(0) { total, s in
            let overlap = min(to, s.end) - max(from, s.start)
            return overlap > 0 ? total + overlap * s.rate * mixes[s.mix][route] : total
        }
    }
}
