#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The address the emitter connects to: an IPv4 or IPv6 address (or a host name, resolved once
/// at start) and a TCP port.
public struct EmissionTarget: Sendable, Hashable, CustomStringConvertible {
    /// An IP literal (`127.0.0.1`, `::1`) or a host name (`localhost`).
    public var host: String
    /// TCP port.
    public var port: UInt16

    /// Creates a target.
    public init(host: String, port: UInt16) {
        self.host = host
        self.port = port
    }

    /// `127.0.0.1:port`.
    public static func loopback(port: UInt16) -> EmissionTarget { EmissionTarget(host: "127.0.0.1", port: port) }
    /// `[::1]:port`.
    public static func ipv6Loopback(port: UInt16) -> EmissionTarget { EmissionTarget(host: "::1", port: port) }

    /// Whether the address is a loopback one (127.0.0.0/8 or ::1); false when it cannot be resolved.
    public var isLoopback: Bool {
        guard let (family, bytes) = try? resolve() else { return false }
        return family == 4 ? bytes[0] == 127 : bytes[0..<15].allSatisfy { $0 == 0 } && bytes[15] == 1
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// The resolved address: family (4 or 6) and 16 bytes in network order.
    func resolve() throws(EmissionError) -> (family: Int32, bytes: [UInt8]) {
        var bytes = [UInt8](repeating: 0, count: 16)
        let name = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        if bytes.withUnsafeMutableBytes({ inet_pton(AF_INET, name, $0.baseAddress) }) == 1 { return (4, bytes) }
        if bytes.withUnsafeMutableBytes({ inet_pton(AF_INET6, name, $0.baseAddress) }) == 1 { return (6, bytes) }
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(name, nil, &hints, &list) == 0, let first = list else {
            throw .invalidConfiguration("cannot resolve host '\(host)'")
        }
        defer { freeaddrinfo(list) }
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let entry = cursor {
            if entry.pointee.ai_family == AF_INET, let sa = entry.pointee.ai_addr {
                sa.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { sin in
                    withUnsafeBytes(of: sin.pointee.sin_addr) { for i in 0..<4 { bytes[i] = $0[i] } }
                }
                return (4, bytes)
            }
            if entry.pointee.ai_family == AF_INET6, let sa = entry.pointee.ai_addr {
                sa.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { sin in
                    withUnsafeBytes(of: sin.pointee.sin6_addr) { for i in 0..<16 { bytes[i] = $0[i] } }
                }
                return (6, bytes)
            }
            cursor = entry.pointee.ai_next
        }
        throw .invalidConfiguration("no IPv4 or IPv6 address for host '\(host)'")
    }
}
