/// Groups ordered request events into sessions (a key with no gap longer than the inactivity
/// gap) and counts entries, route transitions, exits, think times and session sizes.
/// Memory: active sessions (capped, idle ones swept) and distinct transitions (capped).
struct SessionTracker {
    private struct Active {
        var start: Double
        var last: Double
        var lastShape: Int32
        var count: Int32
    }

    let gap: Double
    let maxActive: Int
    let maxTransitions: Int
    private var active: [UInt64: Active] = [:]
    private(set) var transitions: [UInt64: Int] = [:]
    private(set) var droppedTransitions = 0
    private(set) var entries: [Int32: Int] = [:]
    private(set) var exits: [Int32: Int] = [:]
    private(set) var fromCounts: [Int32: Int] = [:]
    private(set) var thinkTimes = LogHistogram(scale: 1000)
    private(set) var requestsPerSession = LogHistogram()
    private(set) var durations = LogHistogram(scale: 1000)
    private(set) var sessions = 0
    private(set) var starts = SparseSeries()
    private var sinceSweep = 0
    private var now = -Double.infinity

    init(gap: Double, maxActive: Int, maxTransitions: Int) {
        self.gap = gap
        self.maxActive = maxActive
        self.maxTransitions = maxTransitions
    }

    static func pair(_ from: Int32, _ to: Int32) -> UInt64 { UInt64(UInt32(bitPattern: from)) << 32 | UInt64(UInt32(bitPattern: to)) }

    mutating func observe(key: UInt64, time: Double, shape: Int32, step: Int32) {
        if time > now { now = time }
        if var session = active[key], time - session.last <= gap {
            let pair = Self.pair(session.lastShape, shape)
            if transitions[pair] != nil || transitions.count < maxTransitions {
                transitions[pair, default: 0] += 1
            } else {
                droppedTransitions += 1
            }
            fromCounts[session.lastShape, default: 0] += 1
            thinkTimes.record(max(0, time - session.last))
            session.last = max(session.last, time)
            session.lastShape = shape
            session.count += 1
            active[key] = session
        } else {
            if let old = active[key] { close(old) }
            active[key] = Active(start: time, last: time, lastShape: shape, count: 1)
            entries[shape, default: 0] += 1
            sessions += 1
            _ = starts.add(step: step)
        }
        sinceSweep += 1
        if sinceSweep >= 65_536 || active.count > maxActive { sweep() }
    }

    private mutating func close(_ session: Active) {
        exits[session.lastShape, default: 0] += 1
        fromCounts[session.lastShape, default: 0] += 1
        requestsPerSession.record(Double(session.count))
        durations.record(session.last - session.start)
    }

    /// Closes sessions idle longer than the gap (or the oldest half when over the cap).
    private mutating func sweep() {
        sinceSweep = 0
        var cutoff = now - gap
        if active.count > maxActive {
            let lasts = active.values.map(\.last).sorted()
            cutoff = max(cutoff, lasts[lasts.count / 2])
        }
        for (key, session) in active where session.last < cutoff {
            close(session)
            active[key] = nil
        }
    }

    /// Closes every session.
    mutating func finish() {
        for (_, session) in active { close(session) }
        active = [:]
    }
}
