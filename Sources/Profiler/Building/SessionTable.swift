/// Active sessions keyed by a 64-bit session key: open addressing with linear probing over one
/// flat array (32 bytes per slot, no per-entry allocation). Entries are never removed one by
/// one; the owner rebuilds the table (``init(holding:)``) without the expired ones once it is
/// half full (``needsRebuild``), which keeps probes short and deletion free of tombstones.
/// Key 0 marks an empty slot (the tracker never uses 0 as a session key), so a probe reads one
/// slot, not a slot and a separate occupancy flag.
struct SessionTable {
    struct Session {
        var key: UInt64
        var start: Double
        var last: Double
        var lastShape: Int32
        var count: Int32
    }

    /// Slots; a slot holds a session when its key is not 0.
    var sessions: [Session]
    private var mask: Int
    private var shift: UInt64
    /// Sessions held.
    private(set) var count = 0

    /// An empty table with room for `capacity` sessions before a rebuild.
    init(capacity: Int = 1 << 12) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        sessions = [Session](repeating: Session(key: 0, start: 0, last: 0, lastShape: 0, count: 0), count: size)
        mask = size - 1
        shift = UInt64(64 - size.trailingZeroBitCount)
    }

    /// A table holding `kept`, sized so that it is at most a quarter full.
    init(holding kept: [Session]) {
        self.init(capacity: max(1 << 12, kept.count * 2))
        for session in kept { insert(session, at: slot(for: session.key)) }
    }

    /// True once the table is half full.
    var needsRebuild: Bool { count * 2 > mask }

    /// The slot holding `key`, or the empty slot where it would go.
    @inline(__always)
    func slot(for key: UInt64) -> Int {
        assert(key != 0, "session key 0 marks an empty slot")
        return sessions.withUnsafeBufferPointer { table in
            var index = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
            while true {
                let held = table[index].key
                if held == key || held == 0 { return index }
                index = (index + 1) & mask
            }
        }
    }

    @inline(__always)
    func isOccupied(_ slot: Int) -> Bool { sessions[slot].key != 0 }

    @inline(__always)
    mutating func insert(_ session: Session, at slot: Int) {
        sessions[slot] = session
        count += 1
    }

    /// Every session held (any order).
    func occupiedSessions() -> [Session] {
        var result: [Session] = []
        result.reserveCapacity(count)
        for index in 0...mask where sessions[index].key != 0 { result.append(sessions[index]) }
        return result
    }
}

/// Counts per 64-bit pair key in a flat open-addressing table (`UInt64.max` marks an empty slot;
/// pair keys of two non-negative 32-bit ids never reach it). Key and count sit side by side in
/// one slot, so an increment touches one cache line, not two parallel arrays.
struct PairCountTable {
    private struct Slot {
        var key: UInt64
        var count: Int
    }

    private var slots = [Slot](repeating: Slot(key: .max, count: 0), count: 64)
    private var mask = 63
    private(set) var count = 0

    @inline(__always)
    private static func home(_ key: UInt64, _ mask: Int) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 40) & mask
    }

    /// Adds one to `key`; a new key is added only while fewer than `limit` keys are held.
    /// Returns false when the key was new and the table was at its limit.
    @inline(__always)
    mutating func increment(_ key: UInt64, ifCountBelow limit: Int) -> Bool {
        let mask = self.mask
        let found: Int? = slots.withUnsafeMutableBufferPointer { table in
            var index = Self.home(key, mask)
            while true {
                let held = table[index].key
                if held == key {
                    table[index].count += 1
                    return nil
                }
                if held == .max { return index }
                index = (index + 1) & mask
            }
        }
        guard let index = found else { return true }
        guard count < limit else { return false }
        slots[index] = Slot(key: key, count: 1)
        count += 1
        if count * 2 > mask { grow() }
        return true
    }

    private mutating func grow() {
        let old = slots
        let size = (mask + 1) * 2
        slots = [Slot](repeating: Slot(key: .max, count: 0), count: size)
        mask = size - 1
        for slot in old where slot.key != .max {
            var index = Self.home(slot.key, mask)
            while slots[index].key != .max { index = (index + 1) & mask }
            slots[index] = slot
        }
    }

    /// The counts as a dictionary (for assembly, not the hot path).
    var dictionary: [UInt64: Int] {
        var result: [UInt64: Int] = [:]
        result.reserveCapacity(count)
        for slot in slots where slot.key != .max { result[slot.key] = slot.count }
        return result
    }
}
