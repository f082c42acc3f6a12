import NIOCore

/// A host and TCP port the proxy listens on or talks to (`127.0.0.1:8080`, `[::1]:9000`).
public struct ShadowEndpoint: Sendable, Hashable, CustomStringConvertible {
    /// A host name or IP literal (IPv6 without brackets).
    public var host: String
    /// The TCP port (0 lets the system choose, for listening only).
    public var port: Int

    /// Creates an endpoint from its parts.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `host:port` or `[v6]:port`, as given to `--listen`.
    public init(listen text: String) throws(ShadowConfigurationError) {
        var rest = Substring(text)
        let host: Substring
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else {
                throw .invalid(option: "listen", value: text, reason: "missing ']' after an IPv6 address")
            }
            host = rest[rest.index(after: rest.startIndex)..<close]
            rest = rest[rest.index(after: close)...]
            guard rest.hasPrefix(":") else {
                throw .invalid(option: "listen", value: text, reason: "expected ':PORT' after ']'")
            }
            rest = rest.dropFirst()
        } else {
            guard let colon = rest.lastIndex(of: ":") else {
                throw .invalid(option: "listen", value: text, reason: "expected HOST:PORT")
            }
            host = rest[..<colon]
            rest = rest[rest.index(after: colon)...]
        }
        guard !host.isEmpty else { throw .invalid(option: "listen", value: text, reason: "empty host") }
        guard let port = Int(rest), (0...65535).contains(port) else {
            throw .invalid(option: "listen", value: text, reason: "port '\(rest)' is not a number in 0...65535")
        }
        self.init(host: String(host), port: port)
    }

    /// Parses an upstream URL `http://host[:port][/]` (default port 80), as given to `--primary`
    /// and `--secondary`. `https` and paths other than `/` are refused with a clear error.
    public init(url text: String, option: String) throws(ShadowConfigurationError) {
        guard text.hasPrefix("http://") else {
            if text.hasPrefix("https://") {
                throw .invalid(option: option, value: text, reason: "https upstreams are not supported (TLS is not built in); use http://")
            }
            throw .invalid(option: option, value: text, reason: "expected an http:// URL")
        }
        var authority = Substring(text.dropFirst("http://".count))
        if let slash = authority.firstIndex(of: "/") {
            let path = authority[slash...]
            guard path == "/" else {
                throw .invalid(option: option, value: text, reason: "a path ('\(path)') is not supported: requests keep their own path")
            }
            authority = authority[..<slash]
        }
        guard !authority.isEmpty else { throw .invalid(option: option, value: text, reason: "missing host") }
        if authority.contains("@") {
            throw .invalid(option: option, value: text, reason: "credentials in the URL are not supported")
        }
        let hasPort: Bool
        if authority.hasPrefix("[") {
            hasPort = authority.contains("]:")
        } else {
            hasPort = authority.contains(":")
        }
        let endpoint: ShadowEndpoint
        do {
            endpoint = try ShadowEndpoint(listen: hasPort ? String(authority) : "\(authority):80")
        } catch {
            guard case let .invalid(_, _, reason) = error else { throw error }
            throw .invalid(option: option, value: text, reason: reason)
        }
        guard endpoint.port != 0 else { throw .invalid(option: option, value: text, reason: "port 0 is not a valid upstream port") }
        self = endpoint
    }

    /// `host:port`, with brackets around IPv6 literals.
    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// The socket address, resolving a host name once (blocking; call at start-up only).
    func resolve() throws -> SocketAddress {
        try SocketAddress.makeAddressResolvingHost(host, port: port)
    }
}
