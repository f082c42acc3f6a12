/// Restores time order within a bounded window: events wait in a min-heap until the newest time
/// seen is `window` seconds past them (or the buffer holds `capacity` events). An event older
/// than what was already released is still delivered (counted as late), never dropped.
struct ReorderBuffer<Element: Sendable>: Sendable {
    private var heap: [(time: Double, element: Element)] = []
    let window: Double
    let capacity: Int
    private(set) var newest = -Double.infinity
    private(set) var released = -Double.infinity
    private(set) var late = 0

    init(window: Double, capacity: Int) {
        self.window = window
        self.capacity = capacity
        heap.reserveCapacity(min(capacity, 1 << 16))
    }

    var isEmpty: Bool { heap.isEmpty }

    /// Adds an event and delivers every event now outside the window, in time order.
    mutating func push(time: Double, _ element: Element, into output: inout [(time: Double, element: Element)]) {
        if time < released {
            late += 1
            output.append((released, element))
            return
        }
        if time > newest { newest = time }
        heap.append((time, element))
        siftUp(heap.count - 1)
        while let top = heap.first, top.time <= newest - window || heap.count > capacity {
            let item = popMin()
            released = item.time
            output.append(item)
        }
    }

    /// Delivers everything left, in time order.
    mutating func drain(into output: inout [(time: Double, element: Element)]) {
        while !heap.isEmpty {
            let item = popMin()
            released = item.time
            output.append(item)
        }
    }

    private mutating func popMin() -> (time: Double, element: Element) {
        let top = heap[0]
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            siftDown(0)
        }
        return top
    }

    private mutating func siftUp(_ index: Int) {
        var child = index
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].time < heap[parent].time else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ index: Int) {
        var parent = index
        while true {
            let left = 2 * parent + 1
            guard left < heap.count else { break }
            var smallest = left
            if left + 1 < heap.count && heap[left + 1].time < heap[left].time { smallest = left + 1 }
            guard heap[smallest].time < heap[parent].time else { break }
            heap.swapAt(smallest, parent)
            parent = smallest
        }
    }
}
