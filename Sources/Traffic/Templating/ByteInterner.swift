#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Maps byte strings to dense ids without allocating per lookup: an open-addressing table over
/// one byte arena. Holds at most ``capacity`` distinct strings (then ``intern(_:)`` returns
/// `nil`), so memory is bounded.
public struct ByteInterner: Sendable {
    private var arena: [UInt8] = []
    private var offsets: [Int] = []
    private var lengths: [Int32] = []
    private var hashes: [UInt64] = []
    private var slots: [Int32]
    private var mask: Int
    /// Most distinct strings kept.
    public let capacity: Int
    /// Longest string kept (longer ones are truncated to this for both storage and lookup).
    public let maxLength: Int

    /// Creates an interner for at most `capacity` strings of at most `maxLength` bytes each.
    public init(capacity: Int, maxLength: Int = 1024) {
        self.capacity = capacity
        self.maxLength = maxLength
        slots = [Int32](repeating: -1, count: 64)
        mask = 63
    }

    /// Distinct strings held.
    public var count: Int { lengths.count }

    /// A fast 64-bit hash of bytes (8 bytes per step, multiply–xorshift mixing).
    @inline(__always)
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

    /// The id of `span`, or `nil` when absent.
    @inline(__always)
    public func lookup(_ span: ByteSpan) -> Int32? {
        let length = min(span.count, maxLength)
        return find(span.start, length, Self.hash(span.start, length)).id
    }

    @inline(__always)
    private func find(_ base: UnsafePointer<UInt8>?, _ length: Int, _ hash: UInt64) -> (id: Int32?, slot: Int) {
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let id = slots[slot]
            if id < 0 { return (nil, slot) }
            let i = Int(id)
            if hashes[i] == hash && Int(lengths[i]) == length {
                let equal = length == 0 || arena.withUnsafeBufferPointer { memcmp($0.baseAddress! + offsets[i], base!, length) == 0 }
                if equal { return (id, slot) }
            }
            slot = (slot + 1) & mask
        }
    }

    /// The id of `span`, adding it when new; `nil` when new and the interner is full.
    @inline(__always)
    public mutating func intern(_ span: ByteSpan) -> Int32? {
        let length = min(span.count, maxLength)
        let hash = Self.hash(span.start, length)
        let (found, slot) = find(span.start, length, hash)
        if let found { return found }
        guard count < capacity else { return nil }
        let id = Int32(count)
        offsets.append(arena.count)
        if length > 0 { arena.append(contentsOf: UnsafeBufferPointer(start: span.start, count: length)) }
        lengths.append(Int32(length))
        hashes.append(hash)
        slots[slot] = id
        if count * 2 > mask { grow() }
        return id
    }

    /// Interns a string (convenience for non-hot paths).
    public mutating func intern(_ text: String) -> Int32? {
        var text = text
        return text.withUTF8 { intern(ByteSpan(start: $0.baseAddress, count: $0.count)) }
    }

    private mutating func grow() {
        let size = (mask + 1) * 2
        slots = [Int32](repeating: -1, count: size)
        mask = size - 1
        for id in 0..<count {
            var slot = Int(truncatingIfNeeded: hashes[id]) & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(id)
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
