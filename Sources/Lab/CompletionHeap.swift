/// A binary min-heap of pool starts ordered by finish time (the simulator's event queue).
struct CompletionHeap: Sendable {
    private var items: [InstancePool.Start] = []

    var isEmpty: Bool { items.isEmpty }
    var count: Int { items.count }
    var minimum: InstancePool.Start? { items.first }

    mutating func push(_ start: InstancePool.Start) {
        items.append(start)
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard Self.before(items[child], items[parent]) else { break }
            items.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> InstancePool.Start? {
        guard !items.isEmpty else { return nil }
        items.swapAt(0, items.count - 1)
        let top = items.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < items.count && Self.before(items[left], items[smallest]) { smallest = left }
            if right < items.count && Self.before(items[right], items[smallest]) { smallest = right }
            guard smallest != parent else { break }
            items.swapAt(parent, smallest)
            parent = smallest
        }
        return top
    }

    private static func before(_ a: InstancePool.Start, _ b: InstancePool.Start) -> Bool {
        a.finishTime < b.finishTime || (a.finishTime == b.finishTime && a.job.id < b.job.id)
    }
}
