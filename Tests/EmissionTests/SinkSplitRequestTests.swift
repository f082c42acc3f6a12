#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
import Emission

/// The C sink's request scanner against requests that arrive a few bytes at a time: long header
/// lines cut anywhere (the scanner skips inside a line that cannot matter), `Content-Length`
/// split across reads, bodies that look like requests, HEAD among GETs.
@Suite("Sink with requests split across reads", .serialized)
struct SinkSplitRequestTests {
    @Test("every request split into 1-7 byte writes is answered once, HEAD without a body", arguments: [EmissionConfiguration.Backend.uring, .epoll])
    func splitRequests(backend: EmissionConfiguration.Backend) throws {
        let sink = try HTTPSink(backend: backend, bodyLength: 100)
        defer { sink.stop() }
        let long = String(repeating: "v", count: 3000)
        let requests = [
            "GET /a HTTP/1.1\r\nHost: l\r\nX-Long: \(long)\r\nAccept: */*\r\n\r\n",
            "POST /b HTTP/1.1\r\nHost: l\r\nX-Content-Length-Not: 99\r\ncOnTeNt-LeNgTh: 26\r\n\r\nGET / HTTP/1.1\r\n\r\nHEAD / x",
            "HEAD /c HTTP/1.1\r\nHost: l\r\nX-Long: \(long)\r\n\r\n",
            "GET /d HTTP/1.1\r\nContent-Length: 0\r\n\r\n",
        ]
        let stream = Array(requests.joined().utf8)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #expect(fd >= 0)
        defer { close(fd) }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = sink.port.bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        #expect(connected == 0)
        var offset = 0, piece = 1
        while offset < stream.count {
            let n = min(piece, stream.count - offset)
            let sent = stream[offset..<(offset + n)].withUnsafeBytes { send(fd, $0.baseAddress, n, Int32(MSG_NOSIGNAL)) }
            #expect(sent == n)
            offset += n
            piece = piece % 7 + 1
            if offset % 97 < 7 { usleep(200) }  // let the sink read the stream in many pieces
        }
        let head = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\nContent-Type: text/plain\r\n\r\n".utf8.count
        let expected = 4 * head + 3 * 100  // the HEAD gets no body
        var received = 0
        var buffer = [UInt8](repeating: 0, count: 65536)
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        while received < expected {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { break }
            received += n
        }
        #expect(received == expected)
        // nothing more: the body that looks like a request was not taken for one
        var extra = timeval(tv_sec: 0, tv_usec: 200_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &extra, socklen_t(MemoryLayout<timeval>.size))
        #expect(recv(fd, &buffer, buffer.count, 0) <= 0)
        #expect(sink.requestsAnswered == 4)
    }
}
