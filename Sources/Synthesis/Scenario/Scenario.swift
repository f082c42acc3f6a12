/// A what-if scenario: timed events that change the rate and mix of a run.
///
/// Times are run seconds from the start of the run. An event's intensity `f(t)` is 0 outside
/// `[start, start + duration)`, rises linearly from 0 to 1 over `ramp` seconds, stays 1, and
/// falls linearly to 0 over the last `rampDown` seconds. At intensity `f`:
/// - rate `multiplier m`: rate × (1 + (m − 1)·f); rate `absolute R`: rate + (R − rate)·f;
/// - mix `route: s`: the route's share moves to base + (s − base)·f, other routes rescaled;
/// - hot key: on its route, the parameter takes `value` with probability `share`·f;
/// - surge: a new route template takes `share`·f of all requests.
/// Events apply in file order; ramps are applied in steps of at most 1 s (`rampStepSeconds`).
public struct Scenario: Sendable, Equatable {
    /// Scenario name.
    public var name: String
    /// What it models.
    public var description: String
    /// Events in application order.
    public var events: [ScenarioEvent]

    /// Creates a scenario.
    public init(name: String, description: String = "", events: [ScenarioEvent]) {
        self.name = name
        self.description = description
        self.events = events
    }
}

/// One event of a ``Scenario``.
public struct ScenarioEvent: Sendable, Equatable {
    /// A rate change.
    public enum RateChange: Sendable, Equatable {
        /// Multiply the rate.
        case multiplier(Double)
        /// Set the rate (requests per second).
        case absolute(Double)
    }

    /// A route whose share is set.
    public struct MixShift: Sendable, Equatable {
        /// Route template.
        public var route: String
        /// Target share of all requests, 0…1.
        public var share: Double

        /// Creates a mix shift.
        public init(route: String, share: Double) {
            self.route = route
            self.share = share
        }
    }

    /// One parameter value taking a share of its route (a viral post).
    public struct HotKey: Sendable, Equatable {
        /// Route template.
        public var route: String
        /// Parameter name in the template (`id` for `{id}`).
        public var parameter: String
        /// The hot value.
        public var value: String
        /// Fraction of the route's requests that carry it, 0…1.
        public var share: Double

        /// Creates a hot key.
        public init(route: String, parameter: String, value: String, share: Double) {
            self.route = route
            self.parameter = parameter
            self.value = value
            self.share = share
        }
    }

    /// A route that does not exist in the profile, surging.
    public struct Surge: Sendable, Equatable {
        /// New route template (parameters in `{}` get invented integer values).
        public var route: String
        /// Method.
        public var method: String
        /// Fraction of all requests, 0…1.
        public var share: Double
        /// Body size for methods with a body.
        public var bodyBytes: Int

        /// Creates a surge.
        public init(route: String, method: String = "GET", share: Double, bodyBytes: Int = 0) {
            self.route = route
            self.method = method
            self.share = share
            self.bodyBytes = bodyBytes
        }
    }

    /// Label.
    public var name: String
    /// Start, run seconds.
    public var start: Double
    /// Length, seconds.
    public var duration: Double
    /// Linear ramp-up at the start, seconds.
    public var ramp: Double
    /// Linear ramp-down at the end, seconds.
    public var rampDown: Double
    /// Rate change, if any.
    public var rate: RateChange?
    /// Mix shifts.
    public var mix: [MixShift]
    /// Hot key, if any.
    public var hotKey: HotKey?
    /// New-route surge, if any.
    public var surge: Surge?

    /// Creates an event.
    public init(
        name: String = "", start: Double, duration: Double, ramp: Double = 0, rampDown: Double = 0,
        rate: RateChange? = nil, mix: [MixShift] = [], hotKey: HotKey? = nil, surge: Surge? = nil
    ) {
        self.name = name
        self.start = start
        self.duration = duration
        self.ramp = ramp
        self.rampDown = rampDown
        self.rate = rate
        self.mix = mix
        self.hotKey = hotKey
        self.surge = surge
    }

    /// End, run seconds.
    public var end: Double { start + duration }

    /// Intensity at run time `t` seconds (0…1).
    public func intensity(at t: Double) -> Double {
        guard t >= start, t < end else { return 0 }
        var f = 1.0
        if ramp > 0 { f = min(f, (t - start) / ramp) }
        if rampDown > 0 { f = min(f, (end - t) / rampDown) }
        return max(0, min(1, f))
    }

    /// Times where the intensity changes slope (segment boundaries).
    func breakpoints(rampStep: Double) -> [Double] {
        var points = [start, end]
        func subdivide(_ from: Double, _ length: Double) {
            guard length > 0 else { return }
            let pieces = max(1, Int((length / rampStep).rounded(.up)))
            for i in 1..<pieces { points.append(from + length * Double(i) / Double(pieces)) }
            points.append(from + length)
        }
        subdivide(start, min(ramp, duration))
        subdivide(end - min(rampDown, duration), min(rampDown, duration))
        return points
    }
}
