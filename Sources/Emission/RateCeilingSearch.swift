/// The search behind `shadowcast bench`: find the highest open-model request rate a target
/// sustains within an SLO. Doubles the rate until a step fails, then bisects between the last
/// passing and the first failing rate until they are within `precision` of each other. A step
/// that fails is measured again, up to `confirmations` times, and its rate fails only if every
/// try fails: one noisy step (a host hiccup that puts p99 over the SLO) would otherwise send the
/// bisection below the real ceiling for the rest of the search.
/// Pure state machine: feed it step outcomes, it says which rate to try next.
public struct RateCeilingSearch: Sendable {
    /// What a step must meet to pass.
    public struct Criteria: Sendable, Equatable {
        /// p99 latency (from the intended send time) must not exceed this, in milliseconds.
        public var sloP99Milliseconds: Double
        /// Failed requests / ended requests must not exceed this.
        public var maxErrorRate: Double
        /// Achieved rate must reach this fraction of the offered rate.
        public var minAchievedFraction: Double

        public init(sloP99Milliseconds: Double = 50, maxErrorRate: Double = 0.01, minAchievedFraction: Double = 0.95) {
            self.sloP99Milliseconds = sloP99Milliseconds
            self.maxErrorRate = maxErrorRate
            self.minAchievedFraction = minAchievedFraction
        }
    }

    /// One measured step.
    public struct Step: Sendable, Codable, Equatable {
        public var rate: Double
        public var achieved: Double
        public var p50_ms: Double
        public var p99_ms: Double
        public var errors: UInt64
        public var error_rate: Double
        public var passed: Bool

        public init(rate: Double, achieved: Double, p50_ms: Double, p99_ms: Double, errors: UInt64, error_rate: Double, passed: Bool) {
            self.rate = rate
            self.achieved = achieved
            self.p50_ms = p50_ms
            self.p99_ms = p99_ms
            self.errors = errors
            self.error_rate = error_rate
            self.passed = passed
        }
    }

    public let criteria: Criteria
    public let maxRate: Double
    public let precision: Double
    public let maxSteps: Int
    /// Extra tries of a failing step before its rate counts as failing.
    public let confirmations: Int
    /// Steps measured so far, in order (a repeated rate is a confirmation of a failed step).
    public private(set) var steps: [Step] = []
    /// The rate to measure next; nil when the search is over.
    public private(set) var nextRate: Double?
    private var lowestFailing: Double?
    private var highestPassing: Double?
    /// Tries left for the rate being measured.
    private var triesLeft: Int

    /// - Parameters: startRate: first rate tried; maxRate: never offered beyond; precision:
    ///   relative gap between passing and failing rates at which the search stops; confirmations:
    ///   extra tries of a failing step (0: one failure decides).
    public init(criteria: Criteria, startRate: Double = 1000, maxRate: Double = 2_000_000, precision: Double = 0.05,
                maxSteps: Int = 24, confirmations: Int = 1) {
        self.criteria = criteria
        self.maxRate = maxRate
        self.precision = precision
        self.maxSteps = maxSteps
        self.confirmations = max(0, confirmations)
        self.triesLeft = max(0, confirmations)
        self.nextRate = min(max(startRate, 1), maxRate)
    }

    /// Judges a step against the criteria.
    public func passes(rate: Double, achieved: Double, p99Milliseconds: Double, errorRate: Double) -> Bool {
        p99Milliseconds <= criteria.sloP99Milliseconds && errorRate <= criteria.maxErrorRate
            && achieved >= rate * criteria.minAchievedFraction
    }

    /// Records the outcome of measuring `rate`; updates `nextRate`.
    public mutating func record(rate: Double, achieved: Double, p50Milliseconds: Double, p99Milliseconds: Double, errors: UInt64, errorRate: Double) {
        let passed = passes(rate: rate, achieved: achieved, p99Milliseconds: p99Milliseconds, errorRate: errorRate)
        steps.append(Step(rate: rate, achieved: achieved, p50_ms: p50Milliseconds, p99_ms: p99Milliseconds,
                          errors: errors, error_rate: errorRate, passed: passed))
        if !passed && triesLeft > 0 && steps.count < maxSteps {
            triesLeft -= 1
            nextRate = rate  // measure the same rate again before believing the failure
            return
        }
        triesLeft = confirmations
        if passed { highestPassing = max(highestPassing ?? 0, rate) } else { lowestFailing = min(lowestFailing ?? .infinity, rate) }
        nextRate = decideNext()
    }

    private func decideNext() -> Double? {
        guard steps.count < maxSteps else { return nil }
        guard let failing = lowestFailing else {
            let passing = highestPassing ?? 0
            return passing >= maxRate ? nil : min(passing * 2, maxRate)
        }
        let passing = highestPassing ?? 0
        if passing == 0 && failing <= 1 { return nil }
        if passing > 0 && (failing - passing) / passing <= precision { return nil }
        let next = passing > 0 ? (passing + failing) / 2 : failing / 4
        return next.rounded()
    }

    /// The highest achieved rate among passing steps (nil when no step passed).
    public var ceiling: Double? {
        steps.filter(\.passed).map(\.achieved).max()
    }
}
