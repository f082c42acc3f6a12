import NIOHTTP1
import Testing
import Traffic
@testable import Shadow

@Suite("Sampler")
struct MirrorSamplerTests {
    @Test("share converges to the percentage", arguments: [0.5, 10.0, 30.0, 99.0])
    func share(percent: Double) {
        let sampler = MirrorSampler(percent: percent, seed: 42)
        let n = 200_000
        var hits = 0
        for sequence in 0..<UInt64(n) where sampler.shouldMirror(loop: Int(sequence % 2), sequence: sequence / 2) { hits += 1 }
        #expect(abs(Double(hits) / Double(n) * 100 - percent) < 0.5)
    }

    @Test("same seed, same choices; another seed, other choices; 0 and 100 are exact")
    func deterministic() {
        let a = MirrorSampler(percent: 50, seed: 1)
        let b = MirrorSampler(percent: 50, seed: 1)
        let c = MirrorSampler(percent: 50, seed: 2)
        let choicesA = (0..<1000).map { a.shouldMirror(loop: 0, sequence: UInt64($0)) }
        #expect(choicesA == (0..<1000).map { b.shouldMirror(loop: 0, sequence: UInt64($0)) })
        #expect(choicesA != (0..<1000).map { c.shouldMirror(loop: 0, sequence: UInt64($0)) })
        #expect((0..<1000).allSatisfy { MirrorSampler(percent: 100, seed: 9).shouldMirror(loop: 0, sequence: UInt64($0)) })
        #expect(!(0..<1000).contains { MirrorSampler(percent: 0, seed: 9).shouldMirror(loop: 0, sequence: UInt64($0)) })
    }
}

@Suite("Hop-by-hop headers")
struct HopByHopTests {
    @Test("removes the fixed fields and those named by Connection, keeps the rest in order")
    func strip() {
        var headers = HTTPHeaders([
            ("Host", "a"), ("CONNECTION", "Keep-Alive, X-Foo"), ("x-foo", "1"), ("Keep-Alive", "5"),
            ("TE", "trailers"), ("Trailer", "X"), ("Transfer-Encoding", "chunked"), ("Upgrade", "h2c"),
            ("Proxy-Connection", "close"), ("X-Bar", "2"), ("Content-Length", "3"),
        ])
        let found = HopByHopHeaders.strip(&headers)
        #expect(found.removedAny && found.wasChunked)
        #expect(headers.map { "\($0.name): \($0.value)" } == ["Host: a", "X-Bar: 2", "Content-Length: 3"])
    }

    @Test("a message without hop-by-hop fields is untouched")
    func untouched() {
        var headers = HTTPHeaders([("Host", "a"), ("Accept", "*/*"), ("Connectionx", "1"), ("TEX", "1")])
        let before = headers
        #expect(!HopByHopHeaders.strip(&headers).removedAny)
        #expect(headers == before)
    }

    @Test("Connection cannot be used to strip Host or Content-Length")
    func protectedFields() {
        var headers = HTTPHeaders([("Host", "a"), ("Connection", "host, content-length"), ("Content-Length", "1")])
        _ = HopByHopHeaders.strip(&headers)
        #expect(headers.map(\.name) == ["Host", "Content-Length"])
    }
}

@Suite("Endpoints and configuration")
struct ConfigurationTests {
    @Test("parses listen addresses and upstream URLs")
    func parses() throws {
        #expect(try ShadowEndpoint(listen: "127.0.0.1:8080") == ShadowEndpoint(host: "127.0.0.1", port: 8080))
        #expect(try ShadowEndpoint(listen: "[::1]:0") == ShadowEndpoint(host: "::1", port: 0))
        #expect(try ShadowEndpoint(url: "http://localhost", option: "primary") == ShadowEndpoint(host: "localhost", port: 80))
        #expect(try ShadowEndpoint(url: "http://127.0.0.1:9000/", option: "primary") == ShadowEndpoint(host: "127.0.0.1", port: 9000))
        #expect(try ShadowEndpoint(url: "http://[::1]:81", option: "primary") == ShadowEndpoint(host: "::1", port: 81))
    }

    @Test("refuses bad input with the option, value and reason", arguments: [
        ("https://a:1", "https"), ("ftp://a", "http://"), ("http://a:1/path", "path"), ("http://a:99999", "port"),
        ("http://u:p@a:1", "credentials"), ("http://", "host"), ("http://a:0", "port 0"),
    ])
    func refuses(url: String, reason: String) {
        #expect {
            try ShadowEndpoint(url: url, option: "primary")
        } throws: { error in
            guard let error = error as? ShadowConfigurationError else { return false }
            return error.description.contains("--primary") && error.description.contains(url) && error.description.contains(reason)
        }
    }

    @Test("validate catches ranges and loops")
    func validate() {
        let endpoint = ShadowEndpoint(host: "127.0.0.1", port: 9)
        var configuration = ShadowConfiguration(listen: ShadowEndpoint(host: "127.0.0.1", port: 0), primary: endpoint, secondary: endpoint)
        #expect(throws: ShadowConfigurationError.self) { try configuration.validate() }
        configuration.secondary = ShadowEndpoint(host: "127.0.0.1", port: 10)
        #expect(throws: Never.self) { try configuration.validate() }
        configuration.mirrorPercent = 101
        #expect(throws: ShadowConfigurationError.self) { try configuration.validate() }
        configuration.mirrorPercent = .nan
        #expect(throws: ShadowConfigurationError.self) { try configuration.validate() }
    }
}

@Suite("Query redaction")
struct QueryRedactorTests {
    @Test("gives exactly Redactor.redact(query:)'s output, cached or not")
    func matchesRedactor() {
        var redactor = QueryRedactor(capacity: 3)
        let queries = [
            "", "a", "a=1", "token=abc", "user=bob&token=x&api_key=y", "keyword=1&key=2", "&&", "=x", "a=1&",
            "X-Amz-Signature=s&page=2", "session_id=9&q=hello%20world", "a==b&pass=1", "design=x&sig=y",
            "user=bob&token=x&api_key=y", "access_key=k&otp=1&code=2&nonce=3", "p=1;token=2",
        ]
        for _ in 0..<2 {
            for query in queries {
                #expect(redactor.redact(Substring(query)) == Redactor.redact(query: query), "\(query)")
            }
        }
    }
}

@Suite("Loop placement")
struct LoopPlacementTests {
    @Test("a few connections share the first loop; beyond the pack size they spread to the emptiest loop")
    func packsThenSpreads() {
        let placement = LoopPlacement(loops: 2, packConnections: 3)
        #expect((0..<3).map { _ in placement.place() } == [0, 0, 0])
        #expect((0..<3).map { _ in placement.place() } == [1, 1, 1])
        // Both at the pack size: the loop with fewer open connections (ties: the first).
        #expect((0..<4).map { _ in placement.place() } == [0, 1, 0, 1])
        #expect(placement.openConnections == [5, 5])
        placement.closed(loop: 1)
        placement.closed(loop: 1)
        #expect(placement.place() == 1)
        #expect(placement.openConnections == [5, 4])
    }

    @Test("below the pack size again, new connections go back to the first loop; 0 spreads from the start")
    func refillsFirstLoop() {
        let placement = LoopPlacement(loops: 2, packConnections: 2)
        for _ in 0..<4 { _ = placement.place() }
        placement.closed(loop: 0)
        #expect(placement.place() == 0)
        let spread = LoopPlacement(loops: 3, packConnections: 0)
        #expect((0..<6).map { _ in spread.place() } == [0, 1, 2, 0, 1, 2])
        spread.closed(loop: 7)  // unknown loops and extra closes are ignored
        spread.closed(loop: 2); spread.closed(loop: 2); spread.closed(loop: 2)
        #expect(spread.openConnections == [2, 2, 0])
    }
}
