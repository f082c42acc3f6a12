/// Removes secrets from what Shadowcast observes, before anything is stored.
///
/// Rules: `Authorization`, `Proxy-Authorization`, `Cookie`, `Set-Cookie` and API-key headers are
/// never kept; values of credential-like query keys (`token`, `key`, `secret`, `password`,
/// `session`, `sig`, `auth`, …) are replaced by ``Redactor/redactedValue``; client addresses are
/// replaced by a keyed hash (SipHash-2-4 under a per-profile salt that is never stored) or dropped.
public struct Redactor: Sendable, Hashable {
    /// How client addresses are kept.
    public enum ClientPolicy: Sendable, Hashable {
        /// Replace each address with a keyed hash; equal addresses map to equal pseudonyms
        /// within one salt, so sessions can still be told apart.
        case hash(salt: (UInt64, UInt64))
        /// Keep no trace of client addresses.
        case drop

        public static func == (lhs: ClientPolicy, rhs: ClientPolicy) -> Bool {
            switch (lhs, rhs) {
            case (.drop, .drop): return true
            case let (.hash(a), .hash(b)): return a.0 == b.0 && a.1 == b.1
            default: return false
            }
        }

        public func hash(into hasher: inout Hasher) {
            switch self {
            case .drop: hasher.combine(0)
            case let .hash(salt): hasher.combine(salt.0); hasher.combine(salt.1)
            }
        }
    }

    /// What a redacted query value is replaced with.
    public static let redactedValue = "REDACTED"

    /// Header names (lower case) whose values are never kept.
    public static let secretHeaders: Set<String> = [
        "authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key",
        "x-auth-token", "x-access-token", "x-csrf-token", "x-xsrf-token", "x-amz-security-token",
    ]

    /// Query-key fragments that mark a credential wherever they appear in the key.
    static let credentialFragments = [
        "token", "secret", "passw", "passwd", "signature", "credential", "session", "apikey",
        "api_key", "api-key", "auth", "jwt", "private",
    ]
    /// Query-key words that mark a credential when they are a whole word of the key
    /// (`key`, `access_key`, `X-Amz-Signature`), but not inside longer words (`keyword`, `design`).
    static let credentialWords: Set<String> = ["key", "sig", "sid", "pwd", "pass", "code", "otp", "nonce", "ticket"]

    /// The policy for client addresses.
    public var clientPolicy: ClientPolicy

    /// Creates a redactor. The default hashes client addresses under a random salt.
    public init(clientPolicy: ClientPolicy? = nil) {
        self.clientPolicy = clientPolicy ?? .hash(salt: (UInt64.random(in: .min ... .max), UInt64.random(in: .min ... .max)))
    }

    /// Whether a header's value must never be kept.
    public static func isSecretHeader(_ name: some StringProtocol) -> Bool {
        secretHeaders.contains(name.lowercased())
    }

    /// Whether a query key names a credential.
    public static func isCredentialKey(_ key: some StringProtocol) -> Bool {
        let lower = key.lowercased()
        if credentialFragments.contains(where: { lower.contains($0) }) { return true }
        var word = ""
        for character in lower {
            if character.isLetter || character.isNumber {
                word.append(character)
            } else {
                if credentialWords.contains(word) { return true }
                word = ""
            }
        }
        return credentialWords.contains(word)
    }

    /// The query string with the values of credential-like keys replaced; keys and order kept.
    public static func redact(query: some StringProtocol) -> String {
        var output = ""
        output.reserveCapacity(query.utf8.count)
        var first = true
        for pair in query.split(separator: "&", omittingEmptySubsequences: false) {
            if !first { output.append("&") }
            first = false
            guard let equals = pair.firstIndex(of: "=") else {
                output.append(contentsOf: pair)
                continue
            }
            let key = pair[..<equals]
            if isCredentialKey(key) {
                output.append(contentsOf: key)
                output.append("=")
                output.append(redactedValue)
            } else {
                output.append(contentsOf: pair)
            }
        }
        return output
    }

    /// The pseudonym kept for a client address, or `nil` when addresses are dropped.
    public func pseudonymize(client: some StringProtocol) -> String? {
        switch clientPolicy {
        case .drop:
            return nil
        case let .hash(salt):
            var hasher = SipHash24(k0: salt.0, k1: salt.1)
            let digest = hasher.hash(Array(client.utf8))
            let hex = String(digest, radix: 16)
            return "c" + String(repeating: "0", count: 16 - hex.count) + hex
        }
    }

    /// A keyed 64-bit pseudonym of a client address for in-memory grouping (sessions, distinct
    /// counts) without keeping the address; `nil` when addresses are dropped.
    public func clientKey(_ client: UnsafeRawBufferPointer) -> UInt64? {
        switch clientPolicy {
        case .drop:
            return nil
        case let .hash(salt):
            var hasher = SipHash24(k0: salt.0, k1: salt.1)
            return hasher.hash(client)
        }
    }

    /// `hash` or `drop`, for provenance (never the salt).
    public var clientPolicyName: String {
        if case .drop = clientPolicy { return "drop" }
        return "hash"
    }
}
