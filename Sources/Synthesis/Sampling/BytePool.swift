/// Where a constant byte string lives in a ``BytePool``.
struct ByteRef: Sendable, Equatable {
    var start: Int32
    var count: Int32
}

/// All constant bytes of compiled request templates (literal path segments, header lines,
/// observed values) in one array, so that rendering copies from one base pointer.
///
/// The array always ends with ``padding`` zero bytes after the last value, so that
/// ``ByteCursor/copy(_:from:)`` may read whole 16-byte blocks past the end of any value.
struct BytePool: Sendable, Equatable {
    /// Bytes readable past the end of any value.
    static let padding = 16

    private(set) var bytes = [UInt8](repeating: 0, count: BytePool.padding)

    /// Adds bytes and returns where they are.
    mutating func add(_ value: some Collection<UInt8>) -> ByteRef {
        bytes.removeLast(Self.padding)
        let start = bytes.count
        bytes.append(contentsOf: value)
        bytes.append(contentsOf: repeatElement(0, count: Self.padding))
        return ByteRef(start: Int32(start), count: Int32(value.count))
    }

    /// Adds a string's UTF-8 bytes.
    mutating func add(_ string: String) -> ByteRef { add(Array(string.utf8)) }

    /// The bytes at `ref` (for tests and names; rendering uses raw pointers).
    func slice(_ ref: ByteRef) -> ArraySlice<UInt8> { bytes[Int(ref.start)..<Int(ref.start + ref.count)] }
}

/// Percent-encodes bytes that may not appear raw in a request target (space, controls, `#`,
/// `%` not followed by two hex digits, non-ASCII), so that observed values can never break the
/// request line.
func percentEncodedForTarget(_ value: String, allowSlash: Bool = false) -> [UInt8] {
    let bytes = Array(value.utf8)
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count)
    let hex = Array("0123456789ABCDEF".utf8)
    func isHex(_ b: UInt8) -> Bool { (48...57).contains(b) || (65...70).contains(b) || (97...102).contains(b) }
    var i = 0
    while i < bytes.count {
        let b = bytes[i]
        let unreserved = (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122)
            || b == 45 || b == 46 || b == 95 || b == 126 || b == 58 || b == 64 || b == 33 || b == 36
            || b == 39 || b == 40 || b == 41 || b == 42 || b == 43 || b == 44 || b == 59 || (allowSlash && b == 47)
        if unreserved {
            out.append(b)
        } else if b == 37, i + 2 < bytes.count, isHex(bytes[i + 1]), isHex(bytes[i + 2]) {
            out.append(contentsOf: bytes[i...(i + 2)])
            i += 2
        } else {
            out.append(37); out.append(hex[Int(b >> 4)]); out.append(hex[Int(b & 15)])
        }
        i += 1
    }
    return out
}

/// Keeps only bytes allowed in a header value (visible ASCII, space, tab); others become `?`.
func sanitizedHeaderValue(_ value: String) -> [UInt8] {
    value.utf8.map { ($0 >= 32 && $0 < 127) || $0 == 9 ? $0 : UInt8(ascii: "?") }
}
