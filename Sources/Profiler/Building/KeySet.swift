/// A set of 64-bit keys (client pseudonyms) in one flat open-addressing array, holding at most
/// `limit` keys. Key 0 marks an empty slot, so a key of 0 is tracked by a flag.
struct KeySet {
    private var slots = [UInt64](repeating: 0, count: 1024)
    private var mask = 1023
    private var shift: UInt64 = 54
    private var hasZero = false
    private var stored = 0
    /// Most keys held.
    let limit: Int

    init(limit: Int) { self.limit = limit }

    /// Keys held.
    var count: Int { stored + (hasZero ? 1 : 0) }

    /// Adds `key` when there is room; returns false when it is new and the set is full.
    @inline(__always)
    mutating func insert(_ key: UInt64) -> Bool {
        if key == 0 {
            if hasZero { return true }
            guard count < limit else { return false }
            hasZero = true
            return true
        }
        var index = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
        while true {
            let held = slots[index]
            if held == key { return true }
            if held == 0 { break }
            index = (index + 1) & mask
        }
        guard count < limit else { return false }
        slots[index] = key
        stored += 1
        if stored * 2 > mask { grow() }
        return true
    }

    private mutating func grow() {
        let old = slots
        let size = (mask + 1) * 2
        slots = [UInt64](repeating: 0, count: size)
        mask = size - 1
        shift = UInt64(64 - size.trailingZeroBitCount)
        for key in old where key != 0 {
            var index = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
            while slots[index] != 0 { index = (index + 1) & mask }
            slots[index] = key
        }
    }
}
