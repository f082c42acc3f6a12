/// Decides, deterministically, which requests are mirrored: request `key` (the event loop's index
/// and its request sequence number) is hashed with the seed (SplitMix64 finalizer) and mirrored
/// when the hash falls below the share. The same seed and arrival order mirror the same requests;
/// over many requests the mirrored share converges to the configured percentage.
public struct MirrorSampler: Sendable, Hashable {
    /// Share in millionths (1_000_000 = everything).
    public let partsPerMillion: UInt64
    /// The hash seed.
    public let seed: UInt64

    /// Creates a sampler mirroring `percent` (0...100, clamped) of requests.
    public init(percent: Double, seed: UInt64) {
        let clamped = percent.isFinite ? min(max(percent, 0), 100) : 0
        partsPerMillion = UInt64((clamped * 10_000).rounded())
        self.seed = seed
    }

    /// Whether request `sequence` seen by event loop `loop` is mirrored.
    @inlinable
    public func shouldMirror(loop: Int, sequence: UInt64) -> Bool {
        if partsPerMillion >= 1_000_000 { return true }
        if partsPerMillion == 0 { return false }
        let key = sequence ^ (UInt64(truncatingIfNeeded: loop) &* 0x9E37_79B9_7F4A_7C15)
        return Self.mix(seed &+ key) % 1_000_000 < partsPerMillion
    }

    /// SplitMix64's output function: a bijective, well-spread 64-bit mix.
    @inlinable
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
