import Foundation

/// A minimal blocking HTTP/1.1 client for loopback tests: it writes the request to
/// 127.0.0.1:`port` and reads to EOF with send and receive timeouts, so a broken server cannot
/// hang the test.
public enum LoopbackHTTP {
    /// A parsed answer.
    public struct Response: Sendable {
        public var status: Int
        /// Header values by lower-cased name.
        public var headers: [String: String]
        public var body: String
    }

    public enum Failure: Error { case socket(Int32), connect(Int32), malformed(String) }

    /// One `method path` request with `Connection: close`, its answer parsed.
    public static func request(_ method: String = "GET", path: String, port: Int, timeoutSeconds: Int = 5) throws -> Response {
        let text = try exchange(port: port, "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
                                timeoutSeconds: timeoutSeconds)
        guard let split = text.range(of: "\r\n\r\n") else { throw Failure.malformed(text) }
        let headLines = text[..<split.lowerBound].components(separatedBy: "\r\n")
        let statusParts = headLines[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { throw Failure.malformed(headLines[0]) }
        var headers: [String: String] = [:]
        for line in headLines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return Response(status: status, headers: headers, body: String(text[split.upperBound...]))
    }

    /// Writes `request` as it is (several pipelined requests if wanted) and returns everything the
    /// server sends until it closes the connection (16 MiB at most).
    public static func exchange(port: Int, _ request: String, timeoutSeconds: Int = 5) throws -> String {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure.socket(errno) }
        defer { close(fd) }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw Failure.connect(errno) }
        let bytes = Array(request.utf8)
        _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
        var data: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while data.count < 16 << 20 {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            data.append(contentsOf: chunk[0..<n])
        }
        return String(decoding: data, as: UTF8.self)
    }
}
