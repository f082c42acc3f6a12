import NIOHTTP1
import Traffic

/// Builds the redacted record of a request: path and redacted query from the target, the
/// `User-Agent`, the `Referer` with its query redacted, and the pseudonymized client. Secret
/// headers (`Authorization`, `Cookie`, …) are never read.
enum RecordBuilder {
    static func record(
        for head: HTTPRequestHead, arrival: Double, client: String?, queries: inout QueryRedactor
    ) -> RequestRecord {
        let (path, query) = split(head.uri)
        return RequestRecord(
            time: arrival, method: head.method.rawValue, path: path,
            query: query.map { queries.redact($0) },
            userAgent: head.headers.first(name: "user-agent"),
            client: client,
            referrer: head.headers.first(name: "referer").map(redactURL))
    }

    /// Path and query (without `?`) of a request target.
    static func split(_ uri: String) -> (path: String, query: Substring?) {
        guard let mark = uri.utf8.firstIndex(of: UInt8(ascii: "?")) else { return (uri, nil) }
        return (String(uri[..<mark]), uri[uri.index(after: mark)...])
    }

    /// A URL with the values of credential-like query keys redacted (fragment dropped).
    static func redactURL(_ url: String) -> String {
        var text = Substring(url)
        if let hash = text.firstIndex(of: "#") { text = text[..<hash] }
        guard let mark = text.firstIndex(of: "?") else { return String(text) }
        return String(text[..<mark]) + "?" + Redactor.redact(query: text[text.index(after: mark)...])
    }
}
