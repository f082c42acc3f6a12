/// A small, fast, seedable random number generator (SplitMix64).
///
/// The Lab samples service times and the simulator samples arrivals from it, so a run with the
/// same seed is the same run.
///
/// Deliberately not `Traffic.SeededRandom` (xoshiro256**, other sampling formulas): switching
/// would change every seeded Lab sequence, so the figure measured with it
/// (`Benchmarks/results/lab.md`: the knee of `lab --simulate 200:900 --duration 60`, seed 1) and
/// the fixed seeds of the statistical tests in MonitorTests and AutoscaleTests would all need
/// re-checking; and the Lab, beside the pipeline, would then depend on Traffic (and zlib).
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// Creates a generator whose sequence is fixed by `seed`.
    public init(seed: UInt64) {
        state = seed &+ 0x9E37_79B9_7F4A_7C15
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform double in the open interval (0, 1): never exactly 0, so `log` of it is finite.
    public mutating func nextUnitOpen() -> Double {
        (Double(next() >> 11) + 0.5) / 9_007_199_254_740_992.0
    }

    /// A standard normal deviate (Box–Muller).
    public mutating func nextStandardNormal() -> Double {
        let u1 = nextUnitOpen()
        let u2 = nextUnitOpen()
        return (-2.0 * _log(u1)).squareRoot() * _cos(2.0 * Double.pi * u2)
    }

    /// An exponential deviate with the given mean.
    public mutating func nextExponential(mean: Double) -> Double {
        -mean * _log(nextUnitOpen())
    }
}

#if canImport(Glibc)
import Glibc
@inline(__always) func _log(_ x: Double) -> Double { Glibc.log(x) }
@inline(__always) func _cos(_ x: Double) -> Double { Glibc.cos(x) }
@inline(__always) func _exp(_ x: Double) -> Double { Glibc.exp(x) }
#elseif canImport(Darwin)
import Darwin
@inline(__always) func _log(_ x: Double) -> Double { Darwin.log(x) }
@inline(__always) func _cos(_ x: Double) -> Double { Darwin.cos(x) }
@inline(__always) func _exp(_ x: Double) -> Double { Darwin.exp(x) }
#endif
