import Testing
@testable import Traffic
#if canImport(Glibc)
import Glibc
#endif

@Suite("ByteInterner")
struct ByteInternerTests {
    static func span<R>(_ text: String, _ body: (ByteSpan) -> R) -> R {
        var text = text
        return text.withUTF8 { body(ByteSpan(start: $0.baseAddress, count: $0.count)) }
    }

    @Test("ids are dense in first-seen order and survive table growth (checked against a dictionary)")
    func matchesDictionary() {
        var interner = ByteInterner(capacity: 100_000, maxLength: 64)
        var reference: [String: Int32] = [:]
        var order: [String] = []
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            // Short and long strings, many repeats, some sharing a long common prefix.
            let n = Int.random(in: 0..<6000, using: &generator)
            let text = n % 3 == 0 ? "/blog/tags/\(n)" : n % 3 == 1 ? String(repeating: "p", count: n % 40) + "\(n)" : "\(n)"
            let id = Self.span(text) { interner.intern($0) }
            if let known = reference[text] {
                #expect(id == known)
            } else {
                #expect(id == Int32(order.count))
                reference[text] = Int32(order.count)
                order.append(text)
            }
        }
        #expect(interner.count == order.count)
        for (index, text) in order.enumerated() {
            #expect(interner.string(Int32(index)) == text)
            let hash = Self.span(text) { ByteInterner.hash($0.start, $0.count) }
            #expect(Self.span(text) { interner.lookup($0) } == Int32(index))
            #expect(Self.span(text) { interner.lookup($0, hash: hash) } == Int32(index))
        }
        #expect(Self.span("/never/seen") { interner.lookup($0) } == nil)
    }

    @Test("the empty string, truncation at maxLength, and the capacity limit")
    func edges() {
        var interner = ByteInterner(capacity: 3, maxLength: 8)
        let empty = Self.span("") { interner.intern($0) }
        #expect(empty == 0)
        #expect(Self.span("") { interner.lookup($0) } == 0)
        // Longer strings are kept and looked up by their first 8 bytes.
        let long = Self.span("abcdefgh-one") { interner.intern($0) }
        #expect(long == 1)
        #expect(Self.span("abcdefgh-two") { interner.intern($0) } == 1)
        #expect(interner.string(1) == "abcdefgh")
        #expect(Self.span("x") { interner.intern($0) } == 2)
        // Full: new strings get nil, known ones keep their ids.
        #expect(Self.span("y") { interner.intern($0) } == nil)
        #expect(Self.span("x") { interner.intern($0) } == 2)
        #expect(interner.count == 3)
        interner.withBytes(2) { #expect($0.string == "x") }
    }

    @Test("the word-at-a-time byte compare agrees with memcmp at every length and mismatch position")
    func bytesEqualMatchesMemcmp() {
        let bytes: [UInt8] = (0..<64).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        bytes.withUnsafeBufferPointer { a in
            for length in 0...40 {
                var copy = Array(a[0..<length])
                copy.withUnsafeBufferPointer { b in
                    #expect(ByteInterner.bytesEqual(a.baseAddress!, b.baseAddress ?? a.baseAddress!, length))
                }
                for position in 0..<length {
                    copy[position] ^= 0x20
                    copy.withUnsafeBufferPointer { b in
                        let reference = memcmp(a.baseAddress!, b.baseAddress!, length) == 0
                        #expect(ByteInterner.bytesEqual(a.baseAddress!, b.baseAddress!, length) == reference)
                        #expect(!reference)
                    }
                    copy[position] ^= 0x20
                }
            }
        }
    }
}
