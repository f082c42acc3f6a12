/// Distinct-count estimate in 2^10 one-byte registers (~3 % standard error), with linear
/// counting for small sets. Takes 64-bit hashes.
public struct HyperLogLog: Sendable, Equatable {
    private static let precision = 10
    private var registers = [UInt8](repeating: 0, count: 1 << precision)

    /// Creates an empty estimator.
    public init() {}

    /// Adds a hashed item.
    @inline(__always)
    public mutating func add(hash: UInt64) {
        let mixed = (hash ^ (hash >> 31)) &* 0x94D0_49BB_1331_11EB
        let index = Int(mixed >> UInt64(64 - Self.precision))
        let rest = (mixed << UInt64(Self.precision)) | (1 << UInt64(Self.precision - 1))
        let rank = UInt8(rest.leadingZeroBitCount + 1)
        if rank > registers[index] { registers[index] = rank }
    }

    /// Adds another estimator's items.
    public mutating func merge(_ other: HyperLogLog) {
        for i in 0..<registers.count where other.registers[i] > registers[i] { registers[i] = other.registers[i] }
    }

    /// The estimated number of distinct items.
    public var estimate: Int {
        let m = Double(registers.count)
        var sum = 0.0
        var zeros = 0
        for r in registers {
            sum += 1 / Double(UInt64(1) << UInt64(r))
            if r == 0 { zeros += 1 }
        }
        let alpha = 0.7213 / (1 + 1.079 / m)
        let raw = alpha * m * m / sum
        if raw <= 2.5 * m && zeros > 0 { return Int((m * log(m / Double(zeros))).rounded()) }
        return Int(raw.rounded())
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
