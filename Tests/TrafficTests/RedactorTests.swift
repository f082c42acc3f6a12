import Testing
@testable import Traffic

@Suite("Redactor")
struct RedactorTests {
    @Test("credential-like query values are replaced, other pairs kept in order", arguments: [
        ("q=shoes&token=abc123&page=2", "q=shoes&token=REDACTED&page=2"),
        ("access_token=x&api_key=y&X-Amz-Signature=z", "access_token=REDACTED&api_key=REDACTED&X-Amz-Signature=REDACTED"),
        ("keyword=red&design=flat", "keyword=red&design=flat"),
        ("key=1&sid=2&password=hunter2&flag", "key=REDACTED&sid=REDACTED&password=REDACTED&flag"),
        ("sessionId=9&user.auth=1", "sessionId=REDACTED&user.auth=REDACTED"),
        ("", ""),
    ])
    func queryRedaction(input: String, expected: String) {
        #expect(Redactor.redact(query: input) == expected)
    }

    @Test("secret headers are recognised in any case")
    func secretHeaders() {
        #expect(Redactor.isSecretHeader("Authorization"))
        #expect(Redactor.isSecretHeader("COOKIE"))
        #expect(Redactor.isSecretHeader("set-cookie"))
        #expect(!Redactor.isSecretHeader("User-Agent"))
    }

    @Test("client pseudonyms are stable under one salt, differ across salts, never contain the address")
    func clientPseudonyms() throws {
        let a = Redactor(clientPolicy: .hash(salt: (1, 2)))
        let b = Redactor(clientPolicy: .hash(salt: (3, 4)))
        let first = try #require(a.pseudonymize(client: "83.149.9.216"))
        #expect(first == a.pseudonymize(client: "83.149.9.216"))
        #expect(first != a.pseudonymize(client: "83.149.9.217"))
        #expect(first != b.pseudonymize(client: "83.149.9.216"))
        #expect(!first.contains("83.149"))
        #expect(first.count == 17)
        #expect(Redactor(clientPolicy: .drop).pseudonymize(client: "1.2.3.4") == nil)
    }

    @Test("SipHash-2-4 matches the reference vector")
    func sipHashVector() {
        // Reference: the SipHash paper's test key 00..0f and message 00..0e → a129ca6149be45e5.
        var hasher = SipHash24(k0: 0x0706_0504_0302_0100, k1: 0x0f0e_0d0c_0b0a_0908)
        #expect(hasher.hash(Array(0..<15)) == 0xa129_ca61_49be_45e5)
    }
}
