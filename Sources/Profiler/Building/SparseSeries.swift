/// Counts per step for one route, stored only for steps with requests. Appends are O(1) when
/// steps arrive in order (they do, after the reorder buffer); late steps are inserted.
struct SparseSeries: Sendable {
    private(set) var steps: [Int32] = []
    private(set) var counts: [UInt32] = []

    var cells: Int { steps.count }

    @inline(__always)
    mutating func add(step: Int32) -> Bool {
        if let last = steps.last {
            if last == step { counts[counts.count - 1] &+= 1; return false }
            if last < step { steps.append(step); counts.append(1); return true }
            // Late: binary search.
            var low = 0, high = steps.count
            while low < high { let mid = (low + high) / 2; if steps[mid] < step { low = mid + 1 } else { high = mid } }
            if low < steps.count && steps[low] == step { counts[low] &+= 1; return false }
            steps.insert(step, at: low); counts.insert(1, at: low)
            return true
        }
        steps.append(step); counts.append(1)
        return true
    }

    mutating func clear() {
        steps = []
        counts = []
    }

    /// Adds this series into a dense array of steps `factor` times wider, whose index 0 is wide step `origin`.
    func accumulate(into dense: inout [Int], origin: Int, factor: Int = 1) {
        for i in 0..<steps.count {
            let index = Self.wide(Int(steps[i]), factor) - origin
            if index >= 0 && index < dense.count { dense[index] += Int(counts[i]) }
        }
    }

    /// Floor division of a step index into a wider step.
    static func wide(_ step: Int, _ factor: Int) -> Int {
        step >= 0 ? step / factor : -((-step + factor - 1) / factor)
    }
}
