/// The per-request random stream: SplitMix64 over a counter, started from `(seed, request
/// index)` alone, so request `k` of a schedule draws the same numbers in any shard and any chunk.
///
/// One mix per 64-bit draw (no four-word state to seed per request, unlike ``SeededRandom``);
/// samplers that need less than 64 bits split one draw (column and fraction of an alias table).
struct RequestRandom {
    private var state: UInt64

    /// The stream of request `index` under `seed` (`stream` separates independent streams of
    /// the same request, such as the fault draw).
    @inline(__always)
    init(seed: UInt64, index: UInt64, stream: UInt64 = 0) {
        state = seed ^ mix64(index ^ stream)
    }

    /// The next 64 random bits.
    @inline(__always)
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    /// A uniform double in [0, 1).
    @inline(__always)
    mutating func nextUnit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// True with probability `threshold / 2^64` (see ``probabilityThreshold(_:)``).
    @inline(__always)
    mutating func chance(_ threshold: UInt64) -> Bool { next() < threshold || threshold == .max }
}

/// `p` in [0, 1] as a 64-bit threshold for ``RequestRandom/chance(_:)`` (1 → always).
func probabilityThreshold(_ p: Double) -> UInt64 {
    guard p.isFinite, p > 0 else { return 0 }
    if p >= 1 { return .max }
    let scaled = p * 0x1.0p64
    return scaled >= 0x1.0p64 ? .max : UInt64(scaled)
}
