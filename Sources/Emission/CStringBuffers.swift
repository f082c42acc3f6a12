/// Copies `text` NUL-terminated into a fixed C char array (truncated to fit; callers validate the length).
func copyCString(_ text: String, into raw: UnsafeMutableRawBufferPointer) {
    let bytes = Array(text.utf8.prefix(raw.count - 1))
    for i in 0..<raw.count { raw[i] = i < bytes.count ? bytes[i] : 0 }
}

/// Reads a NUL-terminated name that `fill` writes into a buffer of `capacity` bytes; nil when empty.
func readCName(capacity: Int = 16, _ fill: (UnsafeMutablePointer<CChar>, Int) -> Void) -> String? {
    var buffer = [CChar](repeating: 0, count: capacity)
    buffer.withUnsafeMutableBufferPointer { fill($0.baseAddress!, capacity) }
    let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    return name.isEmpty ? nil : name
}
