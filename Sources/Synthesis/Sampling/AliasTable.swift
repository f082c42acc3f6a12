import Traffic

/// Walker/Vose alias table: draws an index with probability proportional to its weight in O(1),
/// one 64-bit random draw per sample.
public struct AliasTable: Sendable, Equatable {
    /// One column: accept it when the draw's low 32 bits are below `threshold`, else take `alias`.
    struct Column: Sendable, Equatable {
        /// `ceil(acceptance probability × 2³²)`, in 0...2³²: `low32 < threshold` is exactly
        /// `Double(low32) × 2⁻³² < probability` (the comparison the table was defined by) in
        /// one integer compare.
        var threshold: UInt64
        /// Index used when the column rejects.
        var alias: Int
    }

    /// The columns (one load per sample: threshold and alias side by side).
    private(set) var columns: [Column]

    /// Number of outcomes.
    public var count: Int { columns.count }

    /// Builds a table from non-negative weights (they need not sum to one). All-zero or empty
    /// weights give a table that always draws index 0 (callers check `count` first).
    public init(weights: [Double]) {
        let n = weights.count
        guard n > 0 else {
            columns = [Column(threshold: 1 << 32, alias: 0)]
            return
        }
        let clean = weights.map { $0.isFinite && $0 > 0 ? $0 : 0 }
        let total = clean.reduce(0, +)
        guard total > 0 else {
            columns = [Column(threshold: 1 << 32, alias: 0)] + [Column](repeating: Column(threshold: 0, alias: 0), count: n - 1)
            return
        }
        var scaled = clean.map { $0 * Double(n) / total }
        var prob = [Double](repeating: 1, count: n)
        var aliasIndex = [Int32](repeating: 0, count: n)
        var small: [Int] = []
        var large: [Int] = []
        for i in 0..<n { if scaled[i] < 1 { small.append(i) } else { large.append(i) } }
        while let s = small.popLast() {
            guard let l = large.last else {
                prob[s] = 1
                continue
            }
            prob[s] = scaled[s]
            aliasIndex[s] = Int32(l)
            scaled[l] -= 1 - scaled[s]
            if scaled[l] < 1 {
                large.removeLast()
                small.append(l)
            }
        }
        for l in large { prob[l] = 1; aliasIndex[l] = Int32(l) }
        for i in 0..<n where prob[i] >= 1 { aliasIndex[i] = Int32(i) }
        columns = (0..<n).map { i in
            let scaled = (prob[i] * 0x1.0p32).rounded(.up)
            return Column(threshold: scaled >= 0x1.0p32 ? 1 << 32 : UInt64(max(0, scaled)), alias: Int(aliasIndex[i]))
        }
    }

    /// Draws an index.
    @inline(__always)
    public func sample(_ random: inout SeededRandom) -> Int { sample(bits: random.next()) }

    /// The index drawn by 64 random bits (high half: column, low half: acceptance).
    @inline(__always)
    func sample(bits: UInt64) -> Int {
        columns.withUnsafeBufferPointer { columns in
            let column = Int(((bits >> 32) &* UInt64(columns.count)) >> 32)
            let entry = columns[column]
            return bits & 0xffff_ffff < entry.threshold ? column : entry.alias
        }
    }
}
