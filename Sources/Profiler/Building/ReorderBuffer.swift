/// Restores time order within a bounded window: events wait until the newest time seen is
/// `window` seconds past them (or the buffer holds `capacity` events). An event older than what
/// was already released is still delivered (counted as late), never dropped.
///
/// Events that arrive in order (not earlier than the last one queued) go to a FIFO queue, O(1);
/// only out-of-order events go to a min-heap. Release takes the earlier of the two fronts, so
/// in-order input costs O(1) per event. Equal times leave in arrival order (a sequence number
/// breaks ties), so the output is the stable time order of the input within the window.
struct ReorderBuffer<Element: Sendable>: Sendable {
    private struct Item: Sendable {
        var time: Double
        var sequence: Int
        var element: Element

        @inline(__always)
        func precedes(_ other: Item) -> Bool { time < other.time || (time == other.time && sequence < other.sequence) }
    }

    private var queue: [Item] = []
    private var head = 0
    private var heap: [Item] = []
    private var sequence = 0
    let window: Double
    let capacity: Int
    private(set) var newest = -Double.infinity
    private(set) var released = -Double.infinity
    private(set) var late = 0

    init(window: Double, capacity: Int) {
        self.window = window
        self.capacity = capacity
        queue.reserveCapacity(min(capacity, 1 << 16))
    }

    var isEmpty: Bool { heap.isEmpty && head == queue.count }

    /// Events held.
    var count: Int { heap.count + queue.count - head }

    /// Adds an event and delivers every event now outside the window, in time order.
    @inline(__always)
    mutating func push(time: Double, _ element: Element, into output: inout [(time: Double, element: Element)]) {
        if time < released {
            late += 1
            output.append((released, element))
            return
        }
        if time > newest { newest = time }
        sequence += 1
        let item = Item(time: time, sequence: sequence, element: element)
        if head == queue.count || time >= queue[queue.count - 1].time {
            queue.append(item)
        } else {
            heap.append(item)
            siftUp(heap.count - 1)
        }
        let edge = newest - window
        while let item = nextIfDue(edge: edge) {
            released = item.time
            output.append(item)
        }
    }

    /// Delivers everything left, in time order.
    mutating func drain(into output: inout [(time: Double, element: Element)]) {
        while let item = nextIfDue(edge: .infinity) {
            released = item.time
            output.append(item)
        }
    }

    /// Removes and returns the earliest event when it is at or before `edge` or over capacity.
    @inline(__always)
    private mutating func nextIfDue(edge: Double) -> (time: Double, element: Element)? {
        let fromQueue: Bool
        if head < queue.count {
            fromQueue = heap.isEmpty || queue[head].precedes(heap[0])
        } else if !heap.isEmpty {
            fromQueue = false
        } else {
            return nil
        }
        let time = fromQueue ? queue[head].time : heap[0].time
        guard time <= edge || count > capacity else { return nil }
        if fromQueue {
            let item = queue[head]
            head += 1
            if head == queue.count {
                queue.removeAll(keepingCapacity: true)
                head = 0
            } else if head >= 4096 && head * 2 >= queue.count {
                queue.removeFirst(head)
                head = 0
            }
            return (item.time, item.element)
        }
        let top = popMin()
        return (top.time, top.element)
    }

    private mutating func popMin() -> Item {
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
            guard heap[child].precedes(heap[parent]) else { break }
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
            if left + 1 < heap.count && heap[left + 1].precedes(heap[left]) { smallest = left + 1 }
            guard heap[smallest].precedes(heap[parent]) else { break }
            heap.swapAt(smallest, parent)
            parent = smallest
        }
    }
}
