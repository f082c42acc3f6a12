import CEmit
import Testing
@testable import Emission

@Suite("HTTP response parser")
struct HTTPResponseParserTests {
    typealias Response = HTTPResponseParser.Response

    static let lengthResponse = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nServer: t\r\n\r\nhello"
    static let chunkedResponse = "HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\n6;ext=1\r\npedia \r\n0\r\nTrailer: x\r\n\r\n"
    static let closeResponse = "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok"

    /// Feeds `text` cut into two pieces at every position and checks the parsed responses.
    func expectAtEverySplit(_ text: String, _ expected: [Response], methods: [String] = []) throws {
        let bytes = Array(text.utf8)
        for cut in 0...bytes.count {
            var parser = HTTPResponseParser(requestMethods: methods)
            var got = try parser.feed(bytes[..<cut])
            got += try parser.feed(bytes[cut...])
            #expect(got == expected, "split at byte \(cut)")
        }
        var parser = HTTPResponseParser(requestMethods: methods)
        var oneByOne: [Response] = []
        for byte in bytes { oneByOne += try parser.feed([byte]) }
        #expect(oneByOne == expected, "one byte at a time")
    }

    @Test("Content-Length body, split at every byte")
    func contentLength() throws {
        try expectAtEverySplit(Self.lengthResponse, [Response(status: 200, bodyBytes: 5, closesConnection: false)])
    }

    @Test("chunked body with extensions and trailers, split at every byte")
    func chunked() throws {
        try expectAtEverySplit(Self.chunkedResponse, [Response(status: 201, bodyBytes: 10, closesConnection: false)])
    }

    @Test("pipelined responses in one buffer, split at every byte")
    func pipelined() throws {
        try expectAtEverySplit(
            Self.lengthResponse + Self.chunkedResponse + "HTTP/1.1 204 No Content\r\n\r\n" + Self.closeResponse,
            [Response(status: 200, bodyBytes: 5, closesConnection: false),
             Response(status: 201, bodyBytes: 10, closesConnection: false),
             Response(status: 204, bodyBytes: 0, closesConnection: false),
             Response(status: 200, bodyBytes: 2, closesConnection: true)])
    }

    @Test("header names are case-insensitive; 100 Continue is skipped; HTTP/1.0 closes")
    func headerVariants() throws {
        try expectAtEverySplit("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\ncontent-LENGTH:3\r\nCONNECTION: Close\r\n\r\nabc",
                               [Response(status: 200, bodyBytes: 3, closesConnection: true)])
        try expectAtEverySplit("HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n",
                               [Response(status: 404, bodyBytes: 0, closesConnection: true)])
    }

    @Test("a response to HEAD has no body, whatever its Content-Length or Transfer-Encoding say")
    func headResponses() throws {
        let headAnswer = "HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n"
        let chunkedHeadAnswer = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        try expectAtEverySplit(headAnswer + chunkedHeadAnswer + Self.lengthResponse,
                               [Response(status: 200, bodyBytes: 0, closesConnection: false),
                                Response(status: 200, bodyBytes: 0, closesConnection: false),
                                Response(status: 200, bodyBytes: 5, closesConnection: false)],
                               methods: ["HEAD", "HEAD", "GET"])
        // A HEAD answer without any length and without Connection: close is complete at its
        // blank line: the connection stays usable.
        try expectAtEverySplit("HTTP/1.1 404 Not Found\r\n\r\n" + Self.lengthResponse,
                               [Response(status: 404, bodyBytes: 0, closesConnection: false),
                                Response(status: 200, bodyBytes: 5, closesConnection: false)],
                               methods: ["HEAD"])
        // 100 Continue before the final answer to a HEAD: the HEAD rule still holds.
        try expectAtEverySplit("HTTP/1.1 100 Continue\r\n\r\n" + headAnswer + Self.closeResponse,
                               [Response(status: 200, bodyBytes: 0, closesConnection: false),
                                Response(status: 200, bodyBytes: 2, closesConnection: true)],
                               methods: ["HEAD", "GET"])
    }

    @Test("the same bytes answering a GET are read with their body (the method decides)")
    func headRuleNeedsTheMethod() throws {
        var parser = HTTPResponseParser(requestMethods: ["GET"])
        #expect(try parser.feed(Array("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\n".utf8)).isEmpty)
        #expect(try parser.feed(Array("body".utf8)) == [Response(status: 200, bodyBytes: 4, closesConnection: false)])
    }

    @Test("1xx, 204 and 304 have no body even with a Content-Length, for any method", arguments: [204, 304])
    func bodilessStatuses(status: Int) throws {
        try expectAtEverySplit("HTTP/1.1 \(status) X\r\nContent-Length: 42\r\n\r\n" + Self.lengthResponse,
                               [Response(status: status, bodyBytes: 0, closesConnection: false),
                                Response(status: 200, bodyBytes: 5, closesConnection: false)],
                               methods: ["GET", "GET"])
        try expectAtEverySplit("HTTP/1.1 103 Early Hints\r\nLink: </a>\r\nContent-Length: 7\r\n\r\n" + Self.lengthResponse,
                               [Response(status: 200, bodyBytes: 5, closesConnection: false)])
    }

    @Test("request method detection")
    func methodDetection() {
        func isHead(_ text: String) -> Bool { Array(text.utf8).withUnsafeBufferPointer { cemit_http_request_is_head($0.baseAddress, $0.count) != 0 } }
        #expect(isHead("HEAD / HTTP/1.1\r\n\r\n"))
        #expect(!isHead("GET / HTTP/1.1\r\n\r\n"))
        #expect(!isHead("HEADER / HTTP/1.1\r\n\r\n"))
        #expect(!isHead("HEAD"))
    }

    @Test("a body delimited by the end of the connection completes at EOF")
    func closeDelimited() throws {
        var parser = HTTPResponseParser()
        #expect(try parser.feed(Array("HTTP/1.1 200 OK\r\n\r\nsome body".utf8)).isEmpty)
        #expect(parser.finish() == Response(status: 200, bodyBytes: 9, closesConnection: true))
    }

    @Test("malformed responses are errors with the offending offset", arguments: [
        ("HTTX/1.1 200 OK\r\n\r\n", CEMIT_EPARSE_STATUS, 3),
        ("HTTP/1.1 2x0 OK\r\n\r\n", CEMIT_EPARSE_STATUS, 10),
        ("HTTP/1.1 200 OK\r\nBad Header\r\n\r\n", CEMIT_EPARSE_HEADER, 20),
        ("HTTP/1.1 200 OK\r\nContent-Length: 12a\r\n\r\n", CEMIT_EPARSE_LENGTH, 35),
        ("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", CEMIT_EPARSE_LENGTH, 50),
        ("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n", CEMIT_EPARSE_LENGTH, 52),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", CEMIT_EPARSE_CHUNK, 47),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabX", CEMIT_EPARSE_CHUNK, 52),
        ("HTTP/1.1 200 OK\r\nX: a\rb\r\n\r\n", CEMIT_EPARSE_HEADER, 22),
    ])
    func malformed(text: String, code: Int32, offset: Int) {
        var parser = HTTPResponseParser()
        #expect(throws: HTTPResponseParser.Failure(code: code, offset: offset)) {
            _ = try parser.feed(Array(text.utf8))
        }
    }

    @Test("headers longer than the limit are an error, never a read past the buffer")
    func oversizedHeaders() throws {
        let big = "HTTP/1.1 200 OK\r\nX-Big: " + String(repeating: "a", count: 10_000) + "\r\nContent-Length: 0\r\n\r\n"
        var parser = HTTPResponseParser(maxHeaderBytes: 8192)
        #expect(throws: HTTPResponseParser.Failure(code: CEMIT_EPARSE_TOOBIG, offset: 8192)) {
            _ = try parser.feed(Array(big.utf8))
        }
        var roomy = HTTPResponseParser(maxHeaderBytes: 16384)
        #expect(try roomy.feed(Array(big.utf8)) == [Response(status: 200, bodyBytes: 0, closesConnection: false)])
    }
}
