/// Socket-level fault injection for one request, encoded in `RequestBatch.Entry.flags`
/// (mirrors `CEMIT_FLAG_*` in `CEmit.h`). Bits 0...7 select the behaviour; bits 16...31 carry a
/// parameter (the drip duration in milliseconds).
public struct RequestFlags: Sendable, Hashable {
    /// The raw value stored in `RequestBatch.Entry.flags`.
    public var rawValue: UInt32

    /// Wraps a raw flags value.
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// A clean request.
    public static let none = RequestFlags(rawValue: 0)
    /// Send the request bytes slowly, spread over `milliseconds` (one small write per millisecond).
    public static func drip(milliseconds: UInt16) -> RequestFlags {
        RequestFlags(rawValue: 1 | UInt32(milliseconds) << 16)
    }
    /// Reset the connection (TCP RST) right after sending; the request counts as `faulted`.
    public static let reset = RequestFlags(rawValue: 1 << 1)
    /// Send, then close without reading the response; the request counts as `faulted`.
    public static let abandon = RequestFlags(rawValue: 1 << 2)

    /// The drip duration in milliseconds, when the drip bit is set.
    public var dripMilliseconds: UInt16? { rawValue & 1 != 0 ? UInt16(truncatingIfNeeded: rawValue >> 16) : nil }
    /// True for reset.
    public var resets: Bool { rawValue & (1 << 1) != 0 }
    /// True for abandon.
    public var abandons: Bool { rawValue & (1 << 2) != 0 }
}
