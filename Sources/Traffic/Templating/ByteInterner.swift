#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Maps byte strings to dense ids without allocating per lookup: an open-addressing table over
/// one byte arena. Holds at most ``capacity`` distinct strings (then ``intern(_:)`` returns
/// `nil`), so memory is bounded.
///
/// Each slot carries the string's hash, arena offset, length and id together, so a lookup
/// touches one slot (one cache line) and the arena bytes it compares, instead of four parallel
/// per-id arrays: with many distinct strings (paths) those were a cache miss each per lookup.
/// ``lookup(_:)``, ``intern(_:)`` and ``hash(_:_:)`` are inlinable, so the profiler's per-request
/// calls are not cross-module calls.
public struct ByteInterner: Sendable {
    /// One table slot; `id < 0` marks an empty slot.
    @usableFromInline
    struct Slot: Sendable {
        @usableFromInline var hash: UInt64
        @usableFromInline var offset: UInt32
        @usableFromInline var length: Int32
        @usableFromInline var id: Int32

        @inlinable init(hash: UInt64, offset: UInt32, length: Int32, id: Int32) {
            self.hash = hash
            self.offset = offset
            self.length = length
            self.id = id
        }

        @usableFromInline static let empty = Slot(hash: 0, offset: 0, length: 0, id: -1)
    }

    @usableFromInline var arena: [UInt8] = []
    /// Per id: arena offset and length (for ``string(_:)`` and ``withBytes(_:_:)``).
    @usableFromInline var offsets: [Int] = []
    @usableFromInline var lengths: [Int32] = []
    @usableFromInline var slots: [Slot]
    @usableFromInline var mask: Int
    /// Most distinct strings kept.
    public let capacity: Int
    /// Longest string kept (longer ones are truncated to this for both storage and lookup).
    public let maxLength: Int

    /// Creates an interner for at most `capacity` strings of at most `maxLength` bytes each.
    public init(capacity: Int, maxLength: Int = 1024) {
        self.capacity = capacity
        self.maxLength = maxLength
        slots = [Slot](repeating: .empty, count: 64)
        mask = 63
    }

    /// Distinct strings held.
    @inlinable public var count: Int { lengths.count }

    /// A fast 64-bit hash of bytes (8 bytes per step, multiply–xorshift mixing).
    @inlinable @inline(__always)
    public static func hash(_ base: UnsafePointer<UInt8>?, _ count: Int) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(count)
        guard let base else { return h }
        var index = 0
        let raw = UnsafeRawPointer(base)
        while index + 8 <= count {
            let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            h = (h ^ word) &* 0xFF51_AFD7_ED55_8CCD
            h ^= h >> 32
            index += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while index < count {
            tail |= UInt64(base[index]) << shift
            shift += 8
            index += 1
        }
        h = (h ^ tail) &* 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 29
        return h
    }

    /// Whether `count` bytes at `a` and `b` are equal: an inlined word-at-a-time compare (the
    /// strings compared per request, methods, paths, agents, are short enough that a libc
    /// `memcmp` call costs more than the compare).
    @inlinable @inline(__always)
    public static func bytesEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        let rawA = UnsafeRawPointer(a), rawB = UnsafeRawPointer(b)
        var index = 0
        while index + 8 <= count {
            if rawA.loadUnaligned(fromByteOffset: index, as: UInt64.self) != rawB.loadUnaligned(fromByteOffset: index, as: UInt64.self) { return false }
            index += 8
        }
        while index < count {
            if a[index] != b[index] { return false }
            index += 1
        }
        return true
    }

    /// The id of `span`, or `nil` when absent.
    @inlinable @inline(__always)
    public func lookup(_ span: ByteSpan) -> Int32? {
        let length = min(span.count, maxLength)
        return find(span.start, length, Self.hash(span.start, length)).id
    }

    /// The id of bytes whose hash (``hash(_:_:)`` of the first `min(count, maxLength)` bytes) the
    /// caller already computed, or `nil` when absent.
    @inlinable @inline(__always)
    public func lookup(_ span: ByteSpan, hash: UInt64) -> Int32? {
        find(span.start, min(span.count, maxLength), hash).id
    }

    @inlinable @inline(__always)
    func find(_ base: UnsafePointer<UInt8>?, _ length: Int, _ hash: UInt64) -> (id: Int32?, slot: Int) {
        slots.withUnsafeBufferPointer { table in
            var slot = Int(truncatingIfNeeded: hash) & mask
            while true {
                let entry = table[slot]
                if entry.id < 0 { return (nil, slot) }
                if entry.hash == hash && Int(entry.length) == length {
                    let equal = length == 0 || arena.withUnsafeBufferPointer { Self.bytesEqual($0.baseAddress! + Int(entry.offset), base!, length) }
                    if equal { return (entry.id, slot) }
                }
                slot = (slot + 1) & mask
            }
        }
    }

    /// The id of `span`, adding it when new; `nil` when new and the interner is full.
    @inlinable @inline(__always)
    public mutating func intern(_ span: ByteSpan) -> Int32? {
        let length = min(span.count, maxLength)
        return intern(span, hash: Self.hash(span.start, length))
    }

    /// ``intern(_:)`` with the hash of the first `min(count, maxLength)` bytes already computed.
    @inlinable @inline(__always)
    public mutating func intern(_ span: ByteSpan, hash: UInt64) -> Int32? {
        let length = min(span.count, maxLength)
        let (found, slot) = find(span.start, length, hash)
        if let found { return found }
        return insert(span.start, length, hash, at: slot)
    }

    @usableFromInline
    mutating func insert(_ base: UnsafePointer<UInt8>?, _ length: Int, _ hash: UInt64, at slot: Int) -> Int32? {
        guard count < capacity, arena.count + length <= Int(UInt32.max) else { return nil }
        let id = Int32(count)
        let offset = arena.count
        offsets.append(offset)
        if length > 0 { arena.append(contentsOf: UnsafeBufferPointer(start: base, count: length)) }
        lengths.append(Int32(length))
        slots[slot] = Slot(hash: hash, offset: UInt32(offset), length: Int32(length), id: id)
        if count * 2 > mask { grow() }
        return id
    }

    /// Interns a string (convenience for non-hot paths).
    public mutating func intern(_ text: String) -> Int32? {
        var text = text
        return text.withUTF8 { intern(ByteSpan(start: $0.baseAddress, count: $0.count)) }
    }

    private mutating func grow() {
        let old = slots
        let size = (mask + 1) * 2
        slots = [Slot](repeating: .empty, count: size)
        mask = size - 1
        for entry in old where entry.id >= 0 {
            var slot = Int(truncatingIfNeeded: entry.hash) & mask
            while slots[slot].id >= 0 { slot = (slot + 1) & mask }
            slots[slot] = entry
        }
    }

    /// The bytes of `id` as a string.
    public func string(_ id: Int32) -> String {
        let i = Int(id)
        return String(decoding: arena[offsets[i]..<(offsets[i] + Int(lengths[i]))], as: UTF8.self)
    }

    /// Calls `body` with the bytes of `id`.
    public func withBytes<R>(_ id: Int32, _ body: (ByteSpan) throws -> R) rethrows -> R {
        let i = Int(id)
        return try arena.withUnsafeBufferPointer { try body(ByteSpan(start: $0.baseAddress.map { $0 + offsets[i] }, count: Int(lengths[i]))) }
    }
}
