import Traffic

/// `Redactor.redact(query:)` with the per-key decision cached: whether a query key names a
/// credential depends on the key alone, and a service's query keys are few (`page`, `q`, `id`,
/// `token`, …), so each key is judged by `Redactor.isCredentialKey` once per event loop and
/// looked up afterwards. The output is exactly `Redactor.redact(query:)`'s (tested): keys and
/// order kept, credential values replaced by `Redactor.redactedValue`. Not thread-safe: one per
/// event loop.
struct QueryRedactor {
    private var decisions: [Substring: Bool] = [:]
    /// Distinct keys remembered; keys beyond it are judged every time (bounded memory).
    let capacity: Int

    init(capacity: Int = 4096) {
        self.capacity = capacity
    }

    mutating func redact(_ query: Substring) -> String {
        var output = ""
        output.reserveCapacity(query.utf8.count + 8)
        var first = true
        for pair in query.split(separator: "&", omittingEmptySubsequences: false) {
            if !first { output.append("&") }
            first = false
            guard let equals = pair.utf8.firstIndex(of: UInt8(ascii: "=")) else {
                output.append(contentsOf: pair)
                continue
            }
            let key = pair[..<equals]
            if isCredential(key) {
                output.append(contentsOf: key)
                output.append("=")
                output.append(Redactor.redactedValue)
            } else {
                output.append(contentsOf: pair)
            }
        }
        return output
    }

    private mutating func isCredential(_ key: Substring) -> Bool {
        if let known = decisions[key] { return known }
        let decision = Redactor.isCredentialKey(key)
        if decisions.count < capacity { decisions[Substring(String(key))] = decision }
        return decision
    }
}
