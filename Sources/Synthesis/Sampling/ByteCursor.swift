/// A write position inside a region whose size was checked once for the whole request (see
/// ``ByteArena/reserve(_:)`` and `RequestRenderer.bound`): the writes themselves do no bounds
/// checks, so every caller must stay within the bytes reserved before it started.
struct ByteCursor {
    var position: UnsafeMutablePointer<UInt8>

    /// Copies `ref` from the pool at `pool`.
    @inline(__always)
    mutating func copy(_ ref: ByteRef, from pool: UnsafePointer<UInt8>) {
        copy(pool + Int(ref.start), Int(ref.count))
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
