/// A growable byte buffer written with raw pointer appends (memcpy), reused across chunks so
/// that serializing a request allocates nothing. Owned by one ``ScheduleGenerator``; never shared.
final class ByteArena {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var capacity: Int
    /// Bytes written so far.
    var count: Int = 0

    init(capacity: Int) {
        self.capacity = max(capacity, 4096)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// Makes room for `extra` more bytes.
    @inline(__always)
    func reserve(_ extra: Int) {
        if count + extra > capacity { grow(count + extra) }
    }

    private func grow(_ needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.update(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    /// Appends bytes (caller reserved room).
    @inline(__always)
    func append(_ source: UnsafePointer<UInt8>, _ length: Int) {
        (base + count).update(from: source, count: length)
        count += length
    }

    /// Appends one byte (caller reserved room).
    @inline(__always)
    func append(_ byte: UInt8) {
        base[count] = byte
        count += 1
    }

    /// Appends `length` copies of `byte` (caller reserved room).
    @inline(__always)
    func fill(_ byte: UInt8, _ length: Int) {
        (base + count).initialize(repeating: byte, count: length)
        count += length
    }

    /// Appends a non-negative integer in decimal (caller reserved 20 bytes).
    @inline(__always)
    func appendDecimal(_ value: Int) {
        var v = UInt64(max(0, value))
        var digits = 1
        var probe = v
        while probe >= 10 { probe /= 10; digits += 1 }
        var position = count + digits - 1
        repeat {
            base[position] = UInt8(truncatingIfNeeded: 48 &+ v % 10)
            v /= 10
            position -= 1
        } while v > 0
        count += digits
    }

    /// A copy of the written bytes; the arena is then emptied for reuse.
    func takeBytes() -> [UInt8] {
        let bytes = [UInt8](UnsafeBufferPointer(start: base, count: count))
        count = 0
        return bytes
    }
}
