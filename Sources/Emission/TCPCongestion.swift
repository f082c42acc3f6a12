import CEmit
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// TCP congestion control names (`TCP_CONGESTION`): checks that this kernel lets the current
/// user set one, with a reason naming what is available when it does not.
public enum TCPCongestion {
    /// Throws `EmissionError.invalidConfiguration` when `name` cannot be set on a socket here.
    public static func check(_ name: String) throws(EmissionError) {
        guard !name.isEmpty, name.utf8.count <= 15 else {
            throw .invalidConfiguration("TCP congestion control name must be 1...15 bytes, got '\(name)'")
        }
        var buffer = [CChar](repeating: 0, count: 16)
        for (index, byte) in name.utf8.enumerated() { buffer[index] = CChar(bitPattern: byte) }
        let rc = cemit_check_tcp_congestion(4, buffer, buffer.count)
        switch rc {
        case 0: return
        case -ENOENT:
            throw .invalidConfiguration("TCP congestion control '\(name)' is not available on this kernel (available: \(listed("tcp_available_congestion_control")))")
        case -EPERM:
            throw .invalidConfiguration("TCP congestion control '\(name)' is not allowed to this user (allowed: \(listed("tcp_allowed_congestion_control")))")
        default:
            throw .engine(operation: "TCP congestion control '\(name)'", code: rc)
        }
    }

    /// The system default (`net.ipv4.tcp_congestion_control`), nil when unreadable.
    public static var systemDefault: String? { read("tcp_congestion_control") }

    /// Names this user may set (`net.ipv4.tcp_allowed_congestion_control`).
    public static var allowed: [String] { (read("tcp_allowed_congestion_control") ?? "").split(separator: " ").map(String.init) }

    private static func read(_ file: String) -> String? {
        let fd = open("/proc/sys/net/ipv4/" + file, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: 256)
        let n = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
        guard n > 0 else { return nil }
        let text = String(decoding: bytes[0..<n], as: UTF8.self).split(whereSeparator: { $0 == "\n" || $0 == "\t" }).first.map(String.init) ?? ""
        let trimmed = text.trimmingCharacters(inSet: " ")
        return trimmed.isEmpty ? nil : trimmed
    }

    private static func listed(_ file: String) -> String { read(file) ?? "unknown" }
}

private extension String {
    func trimmingCharacters(inSet character: Character) -> String {
        String(drop { $0 == character }.reversed().drop { $0 == character }.reversed())
    }
}
