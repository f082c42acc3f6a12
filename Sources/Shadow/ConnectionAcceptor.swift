import Foundation
import NIOCore
import NIOPosix
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The proxy's listening socket and the thread that accepts on it. Each accepted connection goes
/// to the event loop `LoopPlacement` picks (NIO's `ServerBootstrap` only places round-robin) and
/// is set up there by `setUp`. Accepting blocks this one thread, never an event loop.
final class ConnectionAcceptor: Sendable {
    /// The bound address (with the real port when port 0 was asked for).
    let localPort: Int
    private let descriptor: CInt
    private let closed = Mutex(false)
    let placement: LoopPlacement
    private let loops: [any EventLoop]
    private let setUp: @Sendable (any Channel) -> EventLoopFuture<Void>

    /// Binds and listens on `host:port`; call `start()` to begin accepting.
    init(
        host: String, port: Int, backlog: CInt, loops: [any EventLoop], placement: LoopPlacement,
        setUp: @escaping @Sendable (any Channel) -> EventLoopFuture<Void>
    ) throws {
        let address = try SocketAddress.makeAddressResolvingHost(host, port: port)
        let family: CInt = address.protocol == .inet6 ? AF_INET6 : AF_INET
        let socket = Glibc.socket(family, CInt(SOCK_STREAM.rawValue) | CInt(SOCK_CLOEXEC.rawValue), 0)
        guard socket >= 0 else { throw IOError(errnoCode: errno, reason: "socket") }
        do {
            var one: CInt = 1
            guard setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<CInt>.size)) == 0 else {
                throw IOError(errnoCode: errno, reason: "setsockopt(SO_REUSEADDR)")
            }
            let bound = address.withSockAddr { pointer, size in Glibc.bind(socket, pointer, socklen_t(size)) }
            guard bound == 0 else { throw IOError(errnoCode: errno, reason: "bind(\(host):\(port))") }
            guard listen(socket, backlog) == 0 else { throw IOError(errnoCode: errno, reason: "listen") }
            var storage = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let named = withUnsafeMutablePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
            }
            guard named == 0 else { throw IOError(errnoCode: errno, reason: "getsockname") }
            localPort = withUnsafePointer(to: &storage) { pointer in
                pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin_port)) }
            }  // sin_port and sin6_port sit at the same offset
        } catch {
            Glibc.close(socket)
            throw error
        }
        descriptor = socket
        self.placement = placement
        self.loops = loops
        self.setUp = setUp
    }

    /// Starts the accepting thread.
    func start() {
        let thread = Thread { [self] in acceptLoop() }
        thread.name = "shadow-accept"
        thread.start()
    }

    /// Stops accepting: new connections are refused; connections already accepted are untouched.
    func close() {
        let first = closed.withLock { closed in
            defer { closed = true }
            return !closed
        }
        // Wakes the blocked accept (EINVAL); the thread closes the descriptor on its way out.
        if first { _ = Glibc.shutdown(descriptor, CInt(SHUT_RDWR)) }
    }

    private func acceptLoop() {
        defer { Glibc.close(descriptor) }
        while true {
            let client = Glibc.accept(descriptor, nil, nil)
            if closed.withLock({ $0 }) {
                if client >= 0 { Glibc.close(client) }
                return
            }
            guard client >= 0 else {
                switch errno {
                case EINTR, ECONNABORTED, EAGAIN, EPROTO:
                    continue
                case EMFILE, ENFILE, ENOBUFS, ENOMEM:
                    usleep(10_000)  // out of descriptors or memory: let connections close, then retry
                    continue
                default:
                    return  // the socket is unusable
                }
            }
            _ = fcntl(client, F_SETFD, FD_CLOEXEC)
            _ = fcntl(client, F_SETFL, fcntl(client, F_GETFL) | O_NONBLOCK)
            let loop = placement.place()
            let placement = self.placement
            ClientBootstrap(group: loops[loop])
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .channelOption(.maxMessagesPerRead, value: 16)
                .channelInitializer(setUp)
                .withConnectedSocket(client)
                .whenComplete { result in
                switch result {
                case let .success(channel):
                    channel.closeFuture.whenComplete { _ in placement.closed(loop: loop) }
                case .failure:
                    placement.closed(loop: loop)
                }
            }
        }
    }
}
