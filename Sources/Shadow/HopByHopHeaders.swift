import NIOHTTP1

/// Hop-by-hop header handling (RFC 9110 §7.6.1): `Connection` and every field it names,
/// `Keep-Alive`, `Proxy-Connection`, `TE`, `Trailer`, `Transfer-Encoding` and `Upgrade` belong to
/// one connection and are not forwarded. Message framing is re-done by the encoder on the next
/// hop (`Content-Length` is kept; chunked bodies are re-chunked).
enum HopByHopHeaders {
    /// What `strip` found.
    struct Found {
        /// Whether any hop-by-hop field was present (and removed).
        var removedAny = false
        /// Whether the message was chunked (`Transfer-Encoding` present).
        var wasChunked = false
    }

    /// Removes the hop-by-hop fields; a single scan when there are none (the common case), and
    /// otherwise one removal per field actually present.
    @inline(__always)
    static func strip(_ headers: inout HTTPHeaders) -> Found {
        var found = Found()
        var present: UInt8 = 0
        var named: [String] = []
        for (name, value) in headers {
            let index = hopByHopIndex(name)
            guard index >= 0 else { continue }
            found.removedAny = true
            present |= 1 << UInt8(index)
            if index == 5 { found.wasChunked = true }
            if index == 0 {
                for token in value.split(separator: ",") {
                    let trimmed = token.trimmingSpaces()
                    if !trimmed.isEmpty { named.append(String(trimmed)) }
                }
            }
        }
        guard found.removedAny else { return found }
        for (index, name) in fixedNames.enumerated() where present & (1 << UInt8(index)) != 0 {
            headers.remove(name: name)
        }
        for name in named where hopByHopIndex(name) < 0 && !asciiEqual(name, "content-length") && !asciiEqual(name, "host") {
            headers.remove(name: name)
        }
        return found
    }

    /// The fixed hop-by-hop names, in the order `hopByHopIndex` numbers them.
    static let fixedNames = ["connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade"]

    /// The index of `name` in `fixedNames` (ASCII case-insensitive), or -1; switches on the
    /// length first so most names are rejected without comparing bytes.
    @inline(__always)
    static func hopByHopIndex(_ name: String) -> Int {
        switch name.utf8.count {
        case 2: return asciiEqual(name, "te") ? 3 : -1
        case 7: return asciiEqual(name, "trailer") ? 4 : asciiEqual(name, "upgrade") ? 6 : -1
        case 10: return asciiEqual(name, "connection") ? 0 : asciiEqual(name, "keep-alive") ? 1 : -1
        case 16: return asciiEqual(name, "proxy-connection") ? 2 : -1
        case 17: return asciiEqual(name, "transfer-encoding") ? 5 : -1
        default: return -1
        }
    }

    /// ASCII case-insensitive equality against a lower-case literal.
    @inline(__always)
    static func asciiEqual(_ name: some StringProtocol, _ lower: StaticString) -> Bool {
        let count = lower.utf8CodeUnitCount
        guard name.utf8.count == count else { return false }
        return lower.withUTF8Buffer { expected in
            var index = 0
            for byte in name.utf8 {
                let folded = (byte >= 65 && byte <= 90) ? byte | 0x20 : byte
                if folded != expected[index] { return false }
                index += 1
            }
            return true
        }
    }
}

extension Substring {
    /// The substring without leading and trailing spaces and tabs.
    func trimmingSpaces() -> Substring {
        var result = self
        while let first = result.first, first == " " || first == "\t" { result.removeFirst() }
        while let last = result.last, last == " " || last == "\t" { result.removeLast() }
        return result
    }
}
