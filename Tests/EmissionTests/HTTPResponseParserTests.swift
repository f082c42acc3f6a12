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
    func expectAtEverySplit(_ text: String, _ expected: [Response]) throws {
        let bytes = Array(text.utf8)
        for cut in 0...bytes.count {
            var parser = HTTPResponseParser()
            var got = try parser.feed(bytes[..<cut])
            got += try parser.feed(bytes[cut...])
            #expect(got == expected, "split at byte \(cut)")
        }
        var parser = HTTPResponseParser()
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
