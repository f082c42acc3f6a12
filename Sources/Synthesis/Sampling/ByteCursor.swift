/// A write position inside a region whose size was checked once for the whole request (see
/// ``ByteArena/reserve(_:)`` and `RequestRenderer.bound`): the writes themselves do no bounds
/// checks, so every caller must stay within the bytes reserved before it started.
struct ByteCursor {
    var position: UnsafeMutablePointer<UInt8>

    /// Bytes a pool copy may write past its end (overwritten by the writes after it); every
    /// request's reserved room includes them.
    static let overrun = 16

    /// Copies `ref` from the pool at `pool` (a ``BytePool``, padded at its end). Values up to
    /// 256 bytes are copied in whole 16-byte blocks inline (no libc call for the many short
    /// pieces of a request): it reads up to 15 bytes past the value (the pool's padding) and
    /// writes up to ``overrun`` bytes past the new position, which later writes overwrite.
    @inline(__always)
    mutating func copy(_ ref: ByteRef, from pool: UnsafePointer<UInt8>) {
        let count = Int(ref.count)
        guard count <= 256 else { return copy(pool + Int(ref.start), count) }
        let source = UnsafeRawPointer(pool + Int(ref.start))
        let target = UnsafeMutableRawPointer(position)
        var offset = 0
        repeat {
            target.storeBytes(
                of: source.loadUnaligned(fromByteOffset: offset, as: SIMD16<UInt8>.self), toByteOffset: offset, as: SIMD16<UInt8>.self)
            offset &+= 16
        } while offset < count
        position += count
    }

    /// Copies `count` bytes.
    @inline(__always)
    mutating func copy(_ source: UnsafePointer<UInt8>, _ count: Int) {
        UnsafeMutableRawPointer(position).copyMemory(from: source, byteCount: count)
        position += count
    }

    /// Writes one byte.
    @inline(__always)
    mutating func byte(_ value: UInt8) {
        position.pointee = value
        position += 1
    }

    /// Writes `count` copies of `value`.
    @inline(__always)
    mutating func fill(_ value: UInt8, _ count: Int) {
        guard count > 0 else { return }
        position.initialize(repeating: value, count: count)
        position += count
    }

    /// Writes a non-negative integer in decimal (at most 20 bytes).
    @inline(__always)
    mutating func decimal(_ value: Int) {
        var v = UInt64(max(0, value))
        var digits = 1
        var probe = v
        while probe >= 10 { probe /= 10; digits += 1 }
        var at = position + digits - 1
        repeat {
            at.pointee = UInt8(truncatingIfNeeded: 48 &+ v % 10)
            v /= 10
            at -= 1
        } while v > 0
        position += digits
    }
}
