import Foundation

/// A small, fast, seedable random number generator (xoshiro256**, seeded through SplitMix64).
///
/// Everything in Shadowcast that samples (the sample-traffic generator, synthesis, simulated
/// services) takes one of these with an explicit seed, so that a run is reproducible.
public struct SeededRandom: RandomNumberGenerator, Sendable, Hashable {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    /// Creates a generator whose whole sequence is determined by `seed`.
    public init(seed: UInt64) {
        var splitMix = seed
        func next() -> UInt64 {
            splitMix &+= 0x9e37_79b9_7f4a_7c15
            var z = splitMix
            z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
            z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
            return z ^ (z >> 31)
        }
        s0 = next(); s1 = next(); s2 = next(); s3 = next()
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        let result = (s1 &* 5).rotatedLeft(7) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = s3.rotatedLeft(45)
        return result
    }

    /// A uniform double in [0, 1).
    public mutating func nextUnit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// An exponentially distributed value with the given mean.
    public mutating func nextExponential(mean: Double) -> Double {
        -mean * log1p(-nextUnit())
    }

    /// A standard normal value (Box–Muller).
    public mutating func nextGaussian() -> Double {
        let u1 = max(nextUnit(), 0x1.0p-53)
        let u2 = nextUnit()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    /// A log-normally distributed value whose median is `median`, with log-space spread `sigma`.
    public mutating func nextLogNormal(median: Double, sigma: Double) -> Double {
        median * exp(sigma * nextGaussian())
    }

    /// An index drawn with probability proportional to `weights` (which need not sum to one).
    public mutating func nextIndex(weights: [Double]) -> Int {
        let total = weights.reduce(0, +)
        var target = nextUnit() * total
        for (index, weight) in weights.enumerated() {
            target -= weight
            if target < 0 { return index }
        }
        return weights.count - 1
    }
}

extension UInt64 {
    fileprivate func rotatedLeft(_ n: UInt64) -> UInt64 { (self << n) | (self >> (64 - n)) }
}
