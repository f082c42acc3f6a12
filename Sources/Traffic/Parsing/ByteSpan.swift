/// A view of bytes inside a line buffer: valid only while the parser's callback runs.
///
/// The hot path never builds a `String` per field; consumers intern spans (``ByteInterner``)
/// or copy them out with ``string`` when they must keep them.
public struct ByteSpan {
    /// First byte, `nil` for the empty span.
    public var start: UnsafePointer<UInt8>?
    /// Length in bytes.
    public var count: Int

    /// The empty span.
    @inlinable public static var empty: ByteSpan { ByteSpan(start: nil, count: 0) }

    /// Creates a span.
    @inlinable public init(start: UnsafePointer<UInt8>?, count: Int) {
        self.start = start
        self.count = count
    }

    /// Whether the span has no bytes.
    @inlinable public var isEmpty: Bool { count == 0 }

    /// Whether the span is the log's "absent" marker, `-`, or empty.
    @inlinable public var isDash: Bool { count == 0 || (count == 1 && start![0] == UInt8(ascii: "-")) }

    /// The bytes as a buffer.
    @inlinable public var buffer: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: start, count: count) }

    /// A copy as a `String` (invalid UTF-8 repaired).
    public var string: String { count == 0 ? "" : String(decoding: buffer, as: UTF8.self) }

    /// Byte at `index` (no bounds check beyond a debug assertion).
    @inlinable public subscript(index: Int) -> UInt8 {
        assert(index >= 0 && index < count)
        return start![index]
    }

    /// Whether the bytes equal an ASCII string.
    public func equals(_ text: StaticString) -> Bool {
        guard text.utf8CodeUnitCount == count else { return false }
        if count == 0 { return true }
        return memcmp(start!, text.utf8Start, count) == 0
    }

    /// The sub-span `[from, to)`.
    @inlinable public func slice(_ from: Int, _ to: Int) -> ByteSpan {
        ByteSpan(start: start.map { $0 + from }, count: to - from)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
