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

    /// Removes the hop-by-hop fields; a single scan when there are none (the common case).
    @inline(__always)
    static func strip(_ headers: inout HTTPHeaders) -> Found {
        var found = Found()
        var named: [String] = []
        for (name, value) in headers where isHopByHop(name) {
            found.removedAny = true
            if asciiEqual(name, "transfer-encoding") { found.wasChunked = true }
            if asciiEqual(name, "connection") {
                for token in value.split(separator: ",") {
                    let trimmed = token.trimmingSpaces()
                    if !trimmed.isEmpty { named.append(String(trimmed)) }
                }
            }
        }
        guard found.removedAny else { return found }
        for name in fixedNames { headers.remove(name: name) }
        for name in named where !asciiEqual(name, "content-length") && !asciiEqual(name, "host") {
            headers.remove(name: name)
        }
        return found
    }

    static let fixedNames = ["connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade"]

    /// Whether `name` is one of the fixed hop-by-hop names (ASCII case-insensitive), switching on
    /// the length first so most names are rejected without comparing bytes.
    @inline(__always)
    static func isHopByHop(_ name: String) -> Bool {
        switch name.utf8.count {
        case 2: return asciiEqual(name, "te")
        case 7: return asciiEqual(name, "trailer") || asciiEqual(name, "upgrade")
        case 10: return asciiEqual(name, "connection") || asciiEqual(name, "keep-alive")
        case 16: return asciiEqual(name, "proxy-connection")
        case 17: return asciiEqual(name, "transfer-encoding")
        default: return false
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
