/// The arrival-time stream: the same xoshiro256** sequence as `Traffic.SeededRandom(seed:)`
/// (SplitMix64 seeding, identical numbers), kept in this module so that the per-arrival draw
/// inlines into the chunk loop (the cross-module `SeededRandom.nextUnit()` was a call per
/// arrival).
struct ArrivalRandom {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    /// The stream `SeededRandom(seed: seed)` gives.
    init(seed: UInt64) {
        var state = seed
        func next() -> UInt64 {
            state &+= 0x9e37_79b9_7f4a_7c15
            var z = state
            z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
            z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
            return z ^ (z >> 31)
        }
        s0 = next(); s1 = next(); s2 = next(); s3 = next()
    }

    /// The next 64 random bits.
    @inline(__always)
    mutating func next() -> UInt64 {
        let product = s1 &* 5
        let result = ((product << 7) | (product >> 57)) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = (s3 << 45) | (s3 >> 19)
        return result
    }

    /// A uniform double in [0, 1).
    @inline(__always)
    mutating func nextUnit() -> Double { Double(next() >> 11) * 0x1.0p-53 }
}
