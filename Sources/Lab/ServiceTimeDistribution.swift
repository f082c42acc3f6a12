/// How long one request keeps a worker busy, as a probability distribution (seconds).
public enum ServiceTimeDistribution: Sendable, Hashable {
    /// Always the same time.
    case constant(seconds: Double)
    /// Exponential with the given mean (memoryless, M/M/c-like).
    case exponential(mean: Double)
    /// Lognormal with the given median and shape `sigma` (the standard deviation of the log).
    case lognormal(median: Double, sigma: Double)
    /// Uniform between two bounds.
    case uniform(min: Double, max: Double)

    /// The distribution's mean, in seconds (used for the configured capacity).
    public var mean: Double {
        switch self {
        case .constant(let seconds): return seconds
        case .exponential(let mean): return mean
        case .lognormal(let median, let sigma): return median * _exp(sigma * sigma / 2)
        case .uniform(let low, let high): return (low + high) / 2
        }
    }

    /// Draws one service time in seconds (never negative).
    public func sample(using generator: inout SeededGenerator) -> Double {
        switch self {
        case .constant(let seconds):
            return seconds
        case .exponential(let mean):
            return generator.nextExponential(mean: mean)
        case .lognormal(let median, let sigma):
            return median * _exp(sigma * generator.nextStandardNormal())
        case .uniform(let low, let high):
            return low + (high - low) * generator.nextUnitOpen()
        }
    }

    /// The same distribution with every time multiplied by `factor` (e.g. an injected slowdown).
    public func scaled(by factor: Double) -> ServiceTimeDistribution {
        switch self {
        case .constant(let seconds): return .constant(seconds: seconds * factor)
        case .exponential(let mean): return .exponential(mean: mean * factor)
        case .lognormal(let median, let sigma): return .lognormal(median: median * factor, sigma: sigma)
        case .uniform(let low, let high): return .uniform(min: low * factor, max: high * factor)
        }
    }
}
