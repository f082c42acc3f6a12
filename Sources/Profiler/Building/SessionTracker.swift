/// Groups ordered request events into sessions (a key with no gap longer than the inactivity
/// gap) and counts entries, route transitions, exits, think times and session sizes.
///
/// Active sessions live in a flat open-addressing table (``SessionTable``) with lazy expiry:
/// an expired session is closed when its key comes back or when the table is rebuilt (at half
/// load), never by a per-event scan. Memory: active sessions (capped at `maxActive`, then the
/// older half is closed) and distinct transitions (capped, the rest counted as dropped).
struct SessionTracker {
    let gap: Double
    let maxActive: Int
    let maxTransitions: Int
    private var active = SessionTable()
    private var transitionTable = PairCountTable()
    private(set) var droppedTransitions = 0
    /// Sessions started per shape (indexed by shape id).
    private(set) var entries: [Int] = []
    /// Sessions ended per shape.
    private(set) var exits: [Int] = []
    /// Requests followed by another request or an exit, per shape.
    private(set) var fromCounts: [Int] = []
    private(set) var thinkTimes = LogHistogram(scale: 1000)
    private(set) var requestsPerSession = LogHistogram()
    private(set) var durations = LogHistogram(scale: 1000)
    private(set) var sessions = 0
    private(set) var starts = SparseSeries()
    private var now = -Double.infinity

    init(gap: Double, maxActive: Int, maxTransitions: Int) {
        self.gap = gap
        self.maxActive = maxActive
        self.maxTransitions = maxTransitions
    }

    static func pair(_ from: Int32, _ to: Int32) -> UInt64 { UInt64(UInt32(bitPattern: from)) << 32 | UInt64(UInt32(bitPattern: to)) }

    /// Route transitions: (from shape, to shape) pair → count.
    var transitions: [UInt64: Int] { transitionTable.dictionary }

    @inline(__always)
    private static func bump(_ counts: inout [Int], _ shape: Int32) {
        let index = Int(shape)
        if index >= counts.count { counts.append(contentsOf: repeatElement(0, count: index + 1 - counts.count)) }
        counts[index] += 1
    }

    mutating func observe(key: UInt64, time: Double, shape: Int32, step: Int32) {
        if time > now { now = time }
        let slot = active.slot(for: key)
        if active.isOccupied(slot) {
            let session = active.sessions[slot]
            if time - session.last <= gap {
                let pair = Self.pair(session.lastShape, shape)
                if !transitionTable.increment(pair, ifCountBelow: maxTransitions) { droppedTransitions += 1 }
                Self.bump(&fromCounts, session.lastShape)
                thinkTimes.record(max(0, time - session.last))
                active.sessions[slot].last = max(session.last, time)
                active.sessions[slot].lastShape = shape
                active.sessions[slot].count += 1
                return
            }
            close(session)
            active.sessions[slot] = SessionTable.Session(key: key, start: time, last: time, lastShape: shape, count: 1)
        } else {
            active.insert(SessionTable.Session(key: key, start: time, last: time, lastShape: shape, count: 1), at: slot)
        }
        Self.bump(&entries, shape)
        sessions += 1
        _ = starts.add(step: step)
        if active.needsRebuild || active.count > maxActive { sweep() }
    }

    private mutating func close(_ session: SessionTable.Session) {
        Self.bump(&exits, session.lastShape)
        Self.bump(&fromCounts, session.lastShape)
        requestsPerSession.record(Double(session.count))
        durations.record(session.last - session.start)
    }

    /// Closes sessions idle longer than the gap (or the older half when over the cap) and
    /// rebuilds the table with the rest.
    private mutating func sweep() {
        var cutoff = now - gap
        var live = active.occupiedSessions()
        if live.count - live.filter({ $0.last < cutoff }).count > maxActive {
            let lasts = live.map(\.last).sorted()
            cutoff = max(cutoff, lasts[lasts.count / 2])
        }
        var kept: [SessionTable.Session] = []
        kept.reserveCapacity(live.count)
        for session in live {
            if session.last < cutoff { close(session) } else { kept.append(session) }
        }
        live = []
        active = SessionTable(holding: kept)
    }

    /// Closes every session.
    mutating func finish() {
        for session in active.occupiedSessions() { close(session) }
        active = SessionTable()
    }
}
