import Foundation
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A loopback TCP server for tests that records the raw bytes of every connection, answers
/// `200 OK` once per `\r\n\r\n` seen (enough for the emitter to complete clean requests), and
/// notes how each connection ended (reset or orderly close) and how its bytes arrived in time.
/// Stops by itself at `deadline`.
final class RecordingSink: @unchecked Sendable {
    // @unchecked: every mutable field is guarded by `lock`; the server thread and the test
    // thread touch them only inside `lock.withLock`.
    struct Connection {
        var bytes: [UInt8] = []
        /// (seconds since start, bytes) for each read.
        var reads: [(Double, Int)] = []
        var resetByPeer = false
        var closedByPeer = false
    }

    let port: UInt16
    private let listener: Int32
    private let lock = NSLock()
    private var connectionsStorage: [Connection] = []
    private var finished = false

    var connections: [Connection] { lock.withLock { connectionsStorage } }

    init(seconds: Double) throws {
        let (fd, port) = try LoopbackSocket.bind(reuseAddress: true)
        self.port = port
        listener = fd
        let thread = Thread { [self] in serve(seconds: seconds) }
        thread.start()
    }

    /// Waits until the server thread has stopped.
    func wait() {
        while !lock.withLock({ finished }) { usleep(10_000) }
    }

    private func serve(seconds: Double) {
        let start = Date()
        var fds = [pollfd(fd: listener, events: Int16(POLLIN), revents: 0)]
        var index: [Int32: Int] = [:]
        var pendingHeads: [Int32: Int] = [:]
        var buffer = [UInt8](repeating: 0, count: 65536)
        let reply = Array("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".utf8)
        while Date().timeIntervalSince(start) < seconds {
            guard poll(&fds, nfds_t(fds.count), 20) > 0 else { continue }
            var closed: Set<Int32> = []
            for entry in fds where entry.revents != 0 {
                if entry.fd == listener {
                    let fd = accept(listener, nil, nil)
                    if fd >= 0 {
                        lock.withLock {
                            index[fd] = connectionsStorage.count
                            connectionsStorage.append(Connection())
                        }
                        fds.append(pollfd(fd: fd, events: Int16(POLLIN), revents: 0))
                    }
                    continue
                }
                let n = recv(entry.fd, &buffer, buffer.count, 0)
                let slot = index[entry.fd]!
                if n > 0 {
                    let chunk = Array(buffer[0..<n])
                    let t = Date().timeIntervalSince(start)
                    var answers = 0
                    lock.withLock {
                        let before = connectionsStorage[slot].bytes.count
                        connectionsStorage[slot].bytes += chunk
                        connectionsStorage[slot].reads.append((t, n))
                        let all = connectionsStorage[slot].bytes
                        var heads = 0
                        var i = 3
                        while i < all.count {
                            if all[i - 3] == 13, all[i - 2] == 10, all[i - 1] == 13, all[i] == 10 { heads += 1 }
                            i += 1
                        }
                        _ = before
                        answers = heads - pendingHeads[entry.fd, default: 0]
                        pendingHeads[entry.fd] = heads
                    }
                    for _ in 0..<max(0, answers) {
                        // A reply written after the peer's RST fails with ECONNRESET, and that
                        // send consumes the socket's pending error: the next recv then returns 0.
                        // So the reset is noted here too, or it would look like an orderly close.
                        if send(entry.fd, reply, reply.count, Int32(MSG_NOSIGNAL)) < 0, errno == ECONNRESET {
                            lock.withLock { connectionsStorage[slot].resetByPeer = true }
                            break
                        }
                    }
                } else {
                    let reset = n < 0 && errno == ECONNRESET
                    lock.withLock {
                        if reset { connectionsStorage[slot].resetByPeer = true } else { connectionsStorage[slot].closedByPeer = true }
                    }
                    close(entry.fd)
                    closed.insert(entry.fd)
                }
            }
            fds.removeAll { closed.contains($0.fd) }
            for i in fds.indices { fds[i].revents = 0 }
        }
        for entry in fds { close(entry.fd) }
        lock.withLock { finished = true }
    }
}
