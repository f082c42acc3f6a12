import Foundation
import Testing
import TestSupport
@testable import Profiler
import Traffic

@Suite("No secret reaches a profile")
struct SecretRedactionTests {
    static let secrets = [
        "Bearer sk_live_51HxQ2aLk9Zb7", "sk_live_51HxQ2aLk9Zb7", "hunter2-password-XYZ", "cookie-session-9f8e7d6c",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
        "AKIAIOSFODNN7EXAMPLEKEY", "ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4", "s3cr3tV4lu3", "203.0.113.77", "198.51.100.23",
    ]

    static var jsonLines: String {
        (0..<40).map { i in
            """
            {"time":"2024-05-01T10:00:\(String(format: "%02d", i))Z","method":"GET","path":"/api/items/\(i)?token=sk_live_51HxQ2aLk9Zb7&page=\(i % 3)&api_key=AKIAIOSFODNN7EXAMPLEKEY","status":200,"bytes":\(100 + i),"user_agent":"curl/8.0","client":"203.0.113.77","authorization":"Bearer sk_live_51HxQ2aLk9Zb7","cookie":"sid=cookie-session-9f8e7d6c","headers":{"Authorization":"Bearer sk_live_51HxQ2aLk9Zb7","Cookie":"a=cookie-session-9f8e7d6c"}}
            """
        }.joined(separator: "\n") + "\n"
    }

    static var combinedLines: String {
        (0..<40).map { i in
            #"198.51.100.23 - alice [01/May/2024:10:01:\#(String(format: "%02d", i)) +0000] "POST /login?password=hunter2-password-XYZ&session=cookie-session-9f8e7d6c&next=/home HTTP/1.1" 302 0 "-" "Mozilla/5.0 (X11; Linux x86_64) Firefox/125.0""#
                + "\n" + #"198.51.100.23 - - [01/May/2024:10:02:\#(String(format: "%02d", i)) +0000] "GET /reset/eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U HTTP/1.1" 200 12 "-" "python-requests/2.31""#
                + "\n" + #"198.51.100.23 - - [01/May/2024:10:03:\#(String(format: "%02d", i)) +0000] "GET /share/ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4?sig=s3cr3tV4lu3 HTTP/1.1" 200 12 "-" "Go-http-client/1.1""#
        }.joined(separator: "\n") + "\n"
    }

    @Test("Authorization, cookies, credential query values, tokens in paths and client addresses are absent")
    func noSecrets() throws {
        var builder = ProfileBuilder()
        let json = try temporaryFile(Self.jsonLines)
        let combined = try temporaryFile(Self.combinedLines)
        defer { try? FileManager.default.removeItem(atPath: json); try? FileManager.default.removeItem(atPath: combined) }
        try builder.ingest(LogSource(path: json), format: .jsonLines(JSONFieldNames()))
        try builder.ingest(LogSource(path: combined), format: .combined)
        // The live path: a record that still carries an unredacted query must be safe too.
        builder.add(RequestRecord(time: 1_714_557_800, method: "GET", path: "/api/items/1", query: "access_token=s3cr3tV4lu3",
                                  status: 200, userAgent: "curl/8.0", client: "203.0.113.77"))
        let profile = builder.profile()
        #expect(profile.totals.requests == 161)
        let text = String(decoding: try profile.encoded(), as: UTF8.self)
        for secret in Self.secrets { #expect(!text.contains(secret), "profile contains \(secret) in \(text.components(separatedBy: "\n").filter { $0.contains(secret) }.prefix(3))") }
        #expect(!text.contains("Bearer"))
        #expect(Set(profile.provenance.redaction.redactedQueryKeys).isSuperset(of: ["token", "api_key", "password", "session", "sig", "access_token"]))
        let items = try #require(profile.routes.first { $0.route == "/api/items/{id}" })
        let token = try #require(items.queryKeys.first { $0.key == "token" })
        #expect(token.credential && token.values == nil)
        let page = try #require(items.queryKeys.first { $0.key == "page" })
        #expect(page.values?.top.map(\.value).sorted() == ["0", "1", "2"])
        let reset = try #require(profile.routes.first { $0.route.hasPrefix("/reset/") })
        #expect(reset.examples.isEmpty)
        #expect(reset.parameters.first?.values.withheld == 40)
        #expect(reset.parameters.first?.values.top.isEmpty == true)
    }

    @Test("with clients dropped, nothing about them is kept and sessions fall back to the agent")
    func droppedClients() throws {
        var configuration = ProfilerConfiguration()
        configuration.redactor = Redactor(clientPolicy: .drop)
        var builder = ProfileBuilder(configuration: configuration)
        let combined = try temporaryFile(Self.combinedLines)
        defer { try? FileManager.default.removeItem(atPath: combined) }
        try builder.ingest(LogSource(path: combined), format: .combined)
        let profile = builder.profile()
        #expect(profile.totals.distinctClients == 0)
        #expect(profile.provenance.redaction.clients == "drop")
        #expect(profile.sessions.key == "agent")
    }
}
