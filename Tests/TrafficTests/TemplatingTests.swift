import Testing
@testable import Traffic

@Suite("URI templating")
struct TemplatingTests {
    static func shape(_ path: String, rules: [TemplateRule] = []) -> (String, [String]) {
        let templater = RouteTemplater(rules: rules)
        var bytes = Array(path.utf8)
        var shape: [UInt8] = [], parameters: [RouteTemplater.Parameter] = [], ranges: [(Int, Int)] = []
        bytes.withUnsafeMutableBufferPointer { buffer in
            templater.shape(of: ByteSpan(start: UnsafePointer(buffer.baseAddress), count: buffer.count), into: &shape, parameters: &parameters, ranges: &ranges)
        }
        let values = parameters.map { String(decoding: bytes[$0.valueStart..<$0.valueEnd], as: UTF8.self) }
        return (String(decoding: shape, as: UTF8.self), values)
    }

    @Test("value segments become typed parameters", arguments: [
        ("/users/42", "/users/{id}", ["42"]),
        ("/users/42/orders/7", "/users/{id}/orders/{id2}", ["42", "7"]),
        ("/o/3f2504e0-4f89-11d3-9a0c-0305e82c3301", "/o/{uuid}", ["3f2504e0-4f89-11d3-9a0c-0305e82c3301"]),
        ("/commit/a3f9c2e", "/commit/{hash}", ["a3f9c2e"]),
        ("/blob/0123456789abcdef0123", "/blob/{hash}", ["0123456789abcdef0123"]),
        ("/reports/2024-05-17/summary", "/reports/{date}/summary", ["2024-05-17"]),
        ("/items/123.json", "/items/{id}.json", ["123"]),
        ("/s/aB3dE5fG7hJ9kL1mN3pQ5rS", "/s/{param}", ["aB3dE5fG7hJ9kL1mN3pQ5rS"]),
        ("/blog/tags/puppet", "/blog/tags/puppet", []),
        ("/presentations/logstash-monitorama-2013/", "/presentations/logstash-monitorama-2013/", []),
        ("/facade/added", "/facade/added", []),
        ("/", "/", []),
    ])
    func inference(path: String, expected: String, values: [String]) {
        let (shape, found) = Self.shape(path)
        #expect(shape == expected)
        #expect(found == values)
    }

    @Test("user rules override inference")
    func rules() throws {
        let rules = [try TemplateRule("/api/{version}/users/{user}"), try TemplateRule("/static/{file...}")]
        #expect(Self.shape("/api/v2/users/alice", rules: rules) == ("/api/{version}/users/{user}", ["v2", "alice"]))
        #expect(Self.shape("/static/css/site.css", rules: rules) == ("/static/{file...}", ["css/site.css"]))
        #expect(Self.shape("/api/v2/groups/7", rules: rules).0 == "/api/v2/groups/{id}")
        #expect(throws: LogPattern.PatternError.self) { try TemplateRule("no-slash") }
    }

    @Test("high-cardinality literal positions collapse; small ones stay literal")
    func collapse() {
        var shapes = (0..<50).map { (shape: "/articles/post-\($0)/", count: 1) }
        shapes += [("/about", 10), ("/contact", 3), ("/articles/{id}", 4)]
        let mapping = RouteCollapser(maxLiteralChildren: 40).collapse(shapes)
        #expect(mapping["/articles/post-7/"]?.template == "/articles/{param}/")
        #expect(mapping["/articles/post-7/"]?.collapsed.map(\.segment) == [1])
        #expect(mapping["/articles/{id}"]?.template == "/articles/{id}")
        #expect(mapping["/about"]?.template == "/about")
        let small = RouteCollapser(maxLiteralChildren: 40).collapse((0..<10).map { ("/docs/page\($0)", 1) })
        #expect(small["/docs/page3"]?.template == "/docs/page3")
    }

    @Test("secret-looking values are recognised; ordinary ones are not", arguments: [
        ("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc", true),
        ("ghp_A1b2C3d4E5f6G7h8I9j0", true),
        ("0123456789abcdef0123456789abcdef", true),
        ("summer-sale-2024", false),
        ("42", false),
        ("hello world and more words", false),
    ])
    func secretLooking(value: String, secret: Bool) {
        var bytes = Array(value.utf8)
        #expect(bytes.withUnsafeMutableBufferPointer { SegmentKind.looksSecret(UnsafePointer($0.baseAddress), $0.count) } == secret)
    }
}

@Suite("Secret-looking values in real slugs")
struct SlugTests {
    @Test("article slugs with years and versions are kept", arguments: [
        "installing-windows-8-consumer-preview.html", "logstash-1.2.0-Released", "ruby-2013-year-in-review-part-2",
        "mounting-partitions-within-a-disk-image-in-linux.html",
    ])
    func slugsKept(value: String) {
        var bytes = Array(value.utf8)
        #expect(!bytes.withUnsafeMutableBufferPointer { SegmentKind.looksSecret(UnsafePointer($0.baseAddress), $0.count) })
    }
}
