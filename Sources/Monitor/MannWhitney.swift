#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The Mann–Whitney U test on two bucketed samples (ties handled with mid-ranks and the tie
/// correction of the variance; normal approximation, which is what counts in the thousands need).
public struct MannWhitneyResult: Sendable, Hashable {
    /// U of the first sample.
    public var u: Double
    /// Standardized statistic (positive: the second sample tends to be larger).
    public var z: Double
    /// Two-sided p-value.
    public var pValue: Double
    /// P(second > first) + P(equal)/2: 0.5 means no shift.
    public var probabilitySecondLarger: Double
}

/// Two-sample tests Monitor uses to tell regressions from noise.
public enum SignificanceTest {
    /// Mann–Whitney U between `first` and `second`; `nil` when either is empty.
    public static func mannWhitney(_ first: LatencyBuckets, _ second: LatencyBuckets) -> MannWhitneyResult? {
        let n1 = Double(first.totalCount), n2 = Double(second.totalCount)
        guard n1 > 0, n2 > 0 else { return nil }
        // Merge the two bucket lists by value.
        var i = 0, j = 0
        var rankBefore = 0.0
        var rankSumFirst = 0.0
        var tieTerm = 0.0
        let a = first.buckets, b = second.buckets
        while i < a.count || j < b.count {
            let value = min(i < a.count ? a[i].value : .max, j < b.count ? b[j].value : .max)
            var countA = 0.0, countB = 0.0
            if i < a.count && a[i].value == value { countA = Double(a[i].count); i += 1 }
            if j < b.count && b[j].value == value { countB = Double(b[j].count); j += 1 }
            let t = countA + countB
            let midRank = rankBefore + (t + 1) / 2
            rankSumFirst += countA * midRank
            tieTerm += t * t * t - t
            rankBefore += t
        }
        let n = n1 + n2
        let u1 = rankSumFirst - n1 * (n1 + 1) / 2
        let mean = n1 * n2 / 2
        let variance = n1 * n2 / 12 * ((n + 1) - tieTerm / (n * (n - 1)))
        guard variance > 0 else {
            return MannWhitneyResult(u: u1, z: 0, pValue: 1, probabilitySecondLarger: 0.5)
        }
        // U1 large means the first sample is larger; report z from the second's point of view.
        let z = (mean - u1) / variance.squareRoot()
        return MannWhitneyResult(u: u1, z: z, pValue: erfc(abs(z) / 2.0.squareRoot()), probabilitySecondLarger: 1 - u1 / (n1 * n2))
    }

    /// Two-proportion z-test: two-sided p-value that `errors2/n2` differs from `errors1/n1`.
    public static func proportions(errors1: UInt64, n1: UInt64, errors2: UInt64, n2: UInt64) -> Double {
        guard n1 > 0, n2 > 0 else { return 1 }
        let p1 = Double(errors1) / Double(n1), p2 = Double(errors2) / Double(n2)
        let pooled = Double(errors1 + errors2) / Double(n1 + n2)
        let se = (pooled * (1 - pooled) * (1 / Double(n1) + 1 / Double(n2))).squareRoot()
        guard se > 0 else { return p1 == p2 ? 1 : 0 }
        return erfc(abs(p2 - p1) / se / 2.0.squareRoot())
    }
}
