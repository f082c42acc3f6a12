import Foundation
import Traffic

/// Draws ranks in `[first, last]` with probability ∝ `rank^-s` (continuous inverse-CDF
/// approximation of a Zipf law), for inventing values beyond a parameter's observed top list.
public struct ZipfTail: Sendable, Equatable {
    /// Smallest rank drawn.
    public let first: Double
    /// Largest rank drawn.
    public let last: Double
    /// Exponent `s`.
    public let exponent: Double
    private let a: Double
    private let b: Double
    private let inverse: Double

    /// Creates a tail over ranks `first...last` (`last >= first >= 1`).
    public init(first: Int, last: Int, exponent: Double) {
        let lo = Double(max(1, first))
        let hi = Double(max(first, last)) + 1
        self.first = lo
        self.last = hi - 1
        self.exponent = exponent.isFinite ? max(0, exponent) : 1
        if abs(self.exponent - 1) < 1e-9 {
            a = log(lo)
            b = log(hi) - log(lo)
            inverse = 0
        } else {
            let oneMinus = 1 - self.exponent
            a = pow(lo, oneMinus)
            b = pow(hi, oneMinus) - a
            inverse = 1 / oneMinus
        }
    }

    /// Draws a rank.
    @inline(__always)
    public func sample(_ random: inout SeededRandom) -> UInt64 { sample(unit: random.nextUnit()) }

    /// The rank at uniform `u` in [0, 1).
    @inline(__always)
    func sample(unit u: Double) -> UInt64 {
        let rank = inverse == 0 ? exp(a + b * u) : exp(inverse * fastLog(a + b * u))
        return UInt64(min(max(rank, first), last))
    }
}
