#if canImport(Glibc)
import Glibc
#endif
import Foundation
import TestSupport
import Synchronization

/// A tiny blocking loopback server with scripted misbehaviour, for error-path tests.
final class ScriptedServer: Sendable {
    enum Behaviour: Sendable {
        /// Accepts and reads, never answers.
        case neverAnswer
        /// Reads a request, writes the start of a response, closes.
        case closeMidResponse
        /// Reads a request, answers garbage.
        case garbage
        /// Answers every complete request with `Content-Length: 100`: a GET gets its 100 body
        /// bytes, a HEAD only the headers (as RFC 9110 says a server does).
        case headAware
    }

    let port: UInt16
    private let listener: Int32
    private let stopping = StopFlag()

    init(_ behaviour: Behaviour) throws {
        let (fd, port) = try LoopbackSocket.bind()
        self.port = port
        listener = fd
        let stopping = self.stopping
        let worker = Thread {
            var pollSet = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0)]
            var buffer = [UInt8](repeating: 0, count: 4096)
            var pending: [Int32: [UInt8]] = [:]
            while !stopping.isSet {
                for i in pollSet.indices { pollSet[i].revents = 0 }
                guard poll(&pollSet, nfds_t(pollSet.count), 20) > 0 else { continue }
                if pollSet[0].revents != 0 {
                    let client = accept(fd, nil, nil)
                    if client >= 0 { pollSet.append(pollfd(fd: client, events: Int16(POLLIN), revents: 0)) }
                }
                for i in pollSet.indices.dropFirst() where pollSet[i].revents != 0 && pollSet[i].fd >= 0 {
                    let client = pollSet[i].fd
                    let n = read(client, &buffer, buffer.count)
                    if n <= 0 { close(client); pollSet[i].fd = -1; continue }
                    switch behaviour {
                    case .neverAnswer: break
                    case .closeMidResponse:
                        let partial = Array("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly part".utf8)
                        _ = partial.withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                        close(client); pollSet[i].fd = -1
                    case .garbage:
                        let junk = Array("NOT HTTP AT ALL\r\n\r\n".utf8)
                        _ = junk.withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                    case .headAware:
                        var bytes = pending[client, default: []] + buffer[0..<n]
                        var answer: [UInt8] = []
                        while let end = Self.endOfHead(bytes) {
                            let isHead = bytes.starts(with: Array("HEAD ".utf8))
                            answer += Array("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n".utf8)
                            if !isHead { answer += [UInt8](repeating: UInt8(ascii: "b"), count: 100) }
                            bytes.removeFirst(end)
                        }
                        pending[client] = bytes
                        _ = answer.withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                    }
                }
            }
            for pfd in pollSet.dropFirst() where pfd.fd >= 0 { close(pfd.fd) }
        }
        worker.start()
    }

    /// The length of the first request head (through its blank line) in `bytes`, if complete.
    private static func endOfHead(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for i in 3..<bytes.count where bytes[i - 3] == 13 && bytes[i - 2] == 10 && bytes[i - 1] == 13 && bytes[i] == 10 {
            return i + 1
        }
        return nil
    }

    func stop() {
        stopping.set()
        usleep(50_000)
        close(listener)
    }
}

final class StopFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    var isSet: Bool { flag.load(ordering: .relaxed) }
    func set() { flag.store(true, ordering: .relaxed) }
}

/// A loopback port with nothing listening (bound, not listening, so nobody else takes it).
final class ClosedPort: Sendable {
    let port: UInt16
    private let fd: Int32

    init() throws {
        let (fd, port) = try LoopbackSocket.bind(listening: nil)
        self.fd = fd
        self.port = port
    }

    func release() { close(fd) }
}

/// A loopback port whose accept queue is full: it listens with a backlog of 0, never accepts, and
/// one connection made here fills the queue, so the kernel drops every later SYN and a client's
/// handshake hangs (until its own connect timeout).
final class HandshakeBlackhole: Sendable {
    let port: UInt16
    private let listener: Int32
    private let filler: Int32

    init() throws {
        let (listener, port) = try LoopbackSocket.bind(listening: 0, reuseAddress: true)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = port.bigEndian
        let filler = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(filler, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { close(filler); close(listener); throw POSIXError(.ECONNREFUSED) }
        self.port = port
        self.listener = listener
        self.filler = filler
    }

    func release() {
        close(filler)
        close(listener)
    }
}

/// A listener that never accepts nor reads: the kernel completes handshakes (up to its backlog)
/// and queues what is sent, but no request is ever answered.
final class SilentListener: Sendable {
    let port: UInt16
    private let listener: Int32

    init(backlog: Int32 = 1024) throws {
        (listener, port) = try LoopbackSocket.bind(listening: backlog, reuseAddress: true)
    }

    func release() { close(listener) }
}
