/// Active sessions keyed by a 64-bit session key: open addressing with linear probing over one
/// flat array (32 bytes per slot, no per-entry allocation). Entries are never removed one by
/// one; the owner rebuilds the table (``init(holding:)``) without the expired ones once it is
/// half full (``needsRebuild``), which keeps probes short and deletion free of tombstones.
struct SessionTable {
    struct Session {
        var key: UInt64
        var start: Double
        var last: Double
        var lastShape: Int32
        var count: Int32
    }

    /// Slots; `occupied[i]` says whether `sessions[i]` holds a session.
    var sessions: [Session]
    private var occupied: [Bool]
    private var mask: Int
    private var shift: UInt64
    /// Sessions held.
    private(set) var count = 0

    /// An empty table with room for `capacity` sessions before a rebuild.
    init(capacity: Int = 1 << 12) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        sessions = [Session](repeating: Session(key: 0, start: 0, last: 0, lastShape: 0, count: 0), count: size)
        occupied = [Bool](repeating: false, count: size)
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
        var index = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
        while occupied[index] && sessions[index].key != key { index = (index + 1) & mask }
        return index
    }

    @inline(__always)
    func isOccupied(_ slot: Int) -> Bool { occupied[slot] }

    @inline(__always)
    mutating func insert(_ session: Session, at slot: Int) {
        sessions[slot] = session
        occupied[slot] = true
        count += 1
    }

    /// Every session held (any order).
    func occupiedSessions() -> [Session] {
        var result: [Session] = []
        result.reserveCapacity(count)
        for index in 0...mask where occupied[index] { result.append(sessions[index]) }
        return result
    }
}

/// Counts per 64-bit pair key in a flat open-addressing table (`UInt64.max` marks an empty slot;
/// pair keys of two non-negative 32-bit ids never reach it).
struct PairCountTable {
    private var keys: [UInt64] = [UInt64](repeating: .max, count: 64)
    private var counts: [Int] = [Int](repeating: 0, count: 64)
    private var mask = 63
    private(set) var count = 0

    /// Adds one to `key`; a new key is added only while fewer than `limit` keys are held.
    /// Returns false when the key was new and the table was at its limit.
    @inline(__always)
    mutating func increment(_ key: UInt64, ifCountBelow limit: Int) -> Bool {
        var index = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 40) & mask
        while true {
            let held = keys[index]
            if held == key { counts[index] += 1; return true }
            if held == .max { break }
            index = (index + 1) & mask
        }
        guard count < limit else { return false }
        keys[index] = key
        counts[index] = 1
        count += 1
        if count * 2 > mask { grow() }
        return true
    }

    private mutating func grow() {
        let oldKeys = keys, oldCounts = counts
        let size = (mask + 1) * 2
        keys = [UInt64](repeating: .max, count: size)
        counts = [Int](repeating: 0, count: size)
        mask = size - 1
        for i in 0..<oldKeys.count where oldKeys[i] != .max {
            var index = Int(truncatingIfNeeded: (oldKeys[i] &* 0x9E37_79B9_7F4A_7C15) >> 40) & mask
            while keys[index] != .max { index = (index + 1) & mask }
            keys[index] = oldKeys[i]
            counts[index] = oldCounts[i]
        }
    }

    /// The counts as a dictionary (for assembly, not the hot path).
    var dictionary: [UInt64: Int] {
        var result: [UInt64: Int] = [:]
        result.reserveCapacity(count)
        for i in 0..<keys.count where keys[i] != .max { result[keys[i]] = counts[i] }
        return result
    }
}
