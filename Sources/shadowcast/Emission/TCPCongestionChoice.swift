/// The `--tcp-congestion` choice of `load`, `bench` and `sink`: `auto` (reno on loopback, the
/// system default elsewhere), `system` (never set), or an algorithm name.
enum TCPCongestionChoice {
    /// The algorithm to set, or nil for the system default.
    static func resolve(_ choice: String, loopback: Bool) -> String? {
        switch choice {
        case "auto": return loopback ? "reno" : nil
        case "system": return nil
        default: return choice
        }
    }
}
