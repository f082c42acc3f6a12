import Profiler
import Traffic

/// Session-driven arrivals: sessions start as a non-homogeneous Poisson process (the plan's
/// request rate divided by the mean requests per session) and each walks the profile's route
/// Markov chain (`sessions.entry`, `transitions`, `exit`) with think times sampled from
/// `sessions.thinkTimeSeconds` (divided by the time compression). Requests of all sessions are
/// merged in time order (ties by session number), so the stream is deterministic.
struct SessionArrivals {
    private struct Row {
        var exit: Double
        var next: [Int]
        var alias: AliasTable
    }

    private struct Pending: Comparable {
        var time: Double
        var session: UInt64
        var route: Int
        var random: SeededRandom

        static func < (a: Pending, b: Pending) -> Bool { a.time != b.time ? a.time < b.time : a.session < b.session }
        static func == (a: Pending, b: Pending) -> Bool { a.time == b.time && a.session == b.session }
    }

    private var starts: OpenArrivals
    private var nextStart: Double?
    private var sessionCount: UInt64 = 0
    private var heap = MinHeap<Pending>()
    private let entryRoutes: [Int]
    private let entryAlias: AliasTable
    private let rows: [Row?]
    private let think: QuantileSampler
    private let compression: Double
    private let duration: Double
    private let seed: UInt64
    private let segmentEnds: [Double]
    /// Mean requests per session used to derive the start rate.
    let meanRequestsPerSession: Double

    init(profile: RequestProfile, plan: RatePlan, options: SynthesisOptions) throws {
        let model = profile.sessions
        let index = Dictionary(plan.routeNames.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        let otherIndex = index[RouteProfile.otherRouteName]
        func resolve(_ name: String) -> Int? { index[name] ?? otherIndex }
        var entry: [Int] = []
        var entryWeights: [Double] = []
        for value in model.entry where value.weight > 0 {
            if let r = resolve(value.value) { entry.append(r); entryWeights.append(value.weight) }
        }
        guard !entry.isEmpty else {
            throw SynthesisError.unusableProfile("session arrivals need 'sessions.entry' routes; this profile has none (use the open model)")
        }
        entryRoutes = entry
        entryAlias = AliasTable(weights: entryWeights)
        var rows = [Row?](repeating: nil, count: plan.routeNames.count)
        var exitSum = 0.0
        for transition in model.transitions {
            guard let from = index[transition.from] else { continue }
            var next: [Int] = []
            var weights: [Double] = []
            for value in transition.next where value.weight > 0 {
                if let r = resolve(value.value) { next.append(r); weights.append(value.weight) }
            }
            let moving = weights.reduce(0, +)
            let exit = next.isEmpty ? 1 : max(0, min(1, transition.exit / max(1e-12, transition.exit + moving)))
            rows[from] = Row(exit: exit, next: next, alias: AliasTable(weights: weights))
            exitSum += exit
        }
        self.rows = rows
        think = QuantileSampler(model.thinkTimeSeconds, fallback: 5)
        compression = options.timeCompression
        duration = options.durationSeconds
        seed = options.seed
        segmentEnds = plan.segments.map(\.end)
        if let perSession = model.requestsPerSession, perSession.mean >= 1 {
            meanRequestsPerSession = perSession.mean
        } else {
            let meanExit = exitSum / Double(max(1, rows.compactMap { $0 }.count))
            meanRequestsPerSession = meanExit > 0 ? max(1, 1 / meanExit) : 1
        }
        var startPlan = plan
        startPlan.scaleRates(by: 1 / meanRequestsPerSession)
        starts = OpenArrivals(plan: startPlan, seed: options.seed ^ 0x5345_5353_494f_4e53)
        nextStart = starts.next()?.time
    }

    /// The next request: run seconds, segment index and route.
    mutating func next() -> (time: Double, segment: Int, route: Int)? {
        while let start = nextStart, heap.peek.map({ start <= $0.time }) ?? true {
            var random = SeededRandom(seed: mix64(seed ^ 0x7365_7373 ^ mix64(sessionCount)))
            let route = entryRoutes[entryAlias.sample(&random)]
            heap.push(Pending(time: start, session: sessionCount, route: route, random: random))
            sessionCount += 1
            nextStart = starts.next()?.time
        }
        guard var current = heap.pop() else { return nil }
        let emitted = (current.time, segmentIndex(current.time), current.route)
        if let row = rows[current.route], !row.next.isEmpty, current.random.nextUnit() >= row.exit {
            current.route = row.next[row.alias.sample(&current.random)]
            current.time += max(0, think.sample(&current.random)) / compression
            if current.time < duration { heap.push(current) }
        }
        return emitted
    }

    private func segmentIndex(_ time: Double) -> Int {
        var lo = 0, hi = segmentEnds.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if segmentEnds[mid] <= time { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}

extension RatePlan {
    /// Multiplies every segment's rate (session starts from request rates).
    mutating func scaleRates(by factor: Double) {
        segments = segments.map { var s = $0; s.rate *= factor; return s }
    }
}

/// A small binary min-heap.
struct MinHeap<Element: Comparable> {
    private var items: [Element] = []

    var peek: Element? { items.first }
    var count: Int { items.count }

    mutating func push(_ element: Element) {
        items.append(element)
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard items[child] < items[parent] else { break }
            items.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> Element? {
        guard !items.isEmpty else { return nil }
        items.swapAt(0, items.count - 1)
        let top = items.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < items.count, items[left] < items[smallest] { smallest = left }
            if right < items.count, items[right] < items[smallest] { smallest = right }
            if smallest == parent { break }
            items.swapAt(parent, smallest)
            parent = smallest
        }
        return top
    }
}
