/// SipHash-2-4: a keyed pseudo-random function, used to pseudonymize client addresses under a
/// secret per-profile salt (a plain hash of an IPv4 address could be reversed by enumeration).
struct SipHash24 {
    private var v0: UInt64
    private var v1: UInt64
    private var v2: UInt64
    private var v3: UInt64

    init(k0: UInt64, k1: UInt64) {
        v0 = 0x736f_6d65_7073_6575 ^ k0
        v1 = 0x646f_7261_6e64_6f6d ^ k1
        v2 = 0x6c79_6765_6e65_7261 ^ k0
        v3 = 0x7465_6462_7974_6573 ^ k1
    }

    private mutating func round() {
        v0 &+= v1; v1 = v1.rotl(13); v1 ^= v0; v0 = v0.rotl(32)
        v2 &+= v3; v3 = v3.rotl(16); v3 ^= v2
        v0 &+= v3; v3 = v3.rotl(21); v3 ^= v0
        v2 &+= v1; v1 = v1.rotl(17); v1 ^= v2; v2 = v2.rotl(32)
    }

    private mutating func compress(_ m: UInt64) {
        v3 ^= m
        round(); round()
        v0 ^= m
    }

    /// The 64-bit SipHash-2-4 of `bytes`. Consumes the state.
    mutating func hash(_ bytes: [UInt8]) -> UInt64 {
        bytes.withUnsafeBytes { hash($0) }
    }

    /// The 64-bit SipHash-2-4 of raw bytes. Consumes the state.
    mutating func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        let count = bytes.count
        let fullBlocks = count / 8
        for block in 0..<fullBlocks {
            compress(UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: block * 8, as: UInt64.self)))
        }
        var last = UInt64(truncatingIfNeeded: count) << 56
        for i in 0..<(count % 8) { last |= UInt64(bytes[fullBlocks * 8 + i]) << (8 * UInt64(i)) }
        compress(last)
        v2 ^= 0xff
        round(); round(); round(); round()
        return v0 ^ v1 ^ v2 ^ v3
    }
}

extension UInt64 {
    fileprivate func rotl(_ n: UInt64) -> UInt64 { (self << n) | (self >> (64 - n)) }
}
