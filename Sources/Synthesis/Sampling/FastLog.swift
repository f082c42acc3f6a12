/// Natural logarithm of a positive, finite, normal `x`, without a libm call: `x = m · 2^e`
/// with `m` in [√½, √2), then the atanh series of `log m` to the s¹¹ term (absolute error
/// below 2·10⁻¹¹, far below what sampling can tell). Used for the per-arrival exponential
/// and the Zipf tail, where `log1p`/`pow` were a tenth of the synthesis time.
@inline(__always)
func fastLog(_ x: Double) -> Double {
    let bits = x.bitPattern
    var exponent = Int((bits >> 52) & 0x7ff) - 1023
    var m = Double(bitPattern: (bits & 0x000f_ffff_ffff_ffff) | 0x3ff0_0000_0000_0000)
    if m > 1.4142135623730951 {
        m *= 0.5
        exponent += 1
    }
    let s = (m - 1) / (m + 1)
    let s2 = s * s
    let series = 1 + s2 * (1.0 / 3 + s2 * (1.0 / 5 + s2 * (1.0 / 7 + s2 * (1.0 / 9 + s2 * (1.0 / 11)))))
    return Double(exponent) * 0.6931471805599453 + 2 * s * series
}
