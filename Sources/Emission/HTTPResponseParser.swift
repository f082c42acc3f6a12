import CEmit

/// Swift face of the C incremental HTTP/1.1 response parser (`cemit_http_parse`), for tests and
/// tools: feed bytes in any pieces, get complete responses out.
struct HTTPResponseParser {
    /// A parse failure, with the byte offset (from the start of all bytes fed) where it was found.
    struct Failure: Error, Equatable {
        var code: Int32
        var offset: Int
    }

    /// One complete response.
    struct Response: Equatable {
        var status: Int
        var bodyBytes: UInt64
        var closesConnection: Bool
    }

    private var parser = cemit_http_parser()
    private let maxHeaderBytes: UInt32
    private var fed = 0
    /// Methods of the requests whose responses are still to come, oldest first (a response to
    /// HEAD has no body whatever its headers say); responses past the list answer GETs.
    private var pendingMethods: ArraySlice<String>

    /// - Parameters:
    ///   - maxHeaderBytes: the response header limit.
    ///   - requestMethods: the methods of the requests being answered, in order.
    init(maxHeaderBytes: Int = 8192, requestMethods: [String] = []) {
        self.maxHeaderBytes = UInt32(maxHeaderBytes)
        self.pendingMethods = requestMethods[...]
        startResponse()
    }

    /// Resets the parser for the next response and tells it whether that one answers a HEAD.
    private mutating func startResponse() {
        cemit_http_parser_init(&parser, maxHeaderBytes)
        cemit_http_parser_set_head(&parser, pendingMethods.first == "HEAD" ? 1 : 0)
    }

    /// Feeds bytes; returns the responses completed by them.
    mutating func feed(_ bytes: some Collection<UInt8>) throws(Failure) -> [Response] {
        var done: [Response] = []
        let array = Array(bytes)
        var position = 0
        while position < array.count {
            var used = 0
            let rc = array.withUnsafeBufferPointer { buffer in
                cemit_http_parse(&parser, buffer.baseAddress! + position, buffer.count - position, &used)
            }
            if rc < 0 { throw Failure(code: rc, offset: fed + position + used) }
            if rc == Int32(CEMIT_HTTP_MORE) { break }
            position += used
            done.append(Response(status: Int(parser.status), bodyBytes: parser.body_bytes, closesConnection: parser.closes != 0))
            _ = pendingMethods.popFirst()
            startResponse()
        }
        fed += array.count
        return done
    }

    /// Signals end of stream; returns a response delimited by the close, if one was pending.
    mutating func finish() -> Response? {
        guard cemit_http_parse_eof(&parser) == Int32(CEMIT_HTTP_DONE), parser.status != 0 else { return nil }
        let response = Response(status: Int(parser.status), bodyBytes: parser.body_bytes, closesConnection: true)
        _ = pendingMethods.popFirst()
        startResponse()
        return response
    }
}
