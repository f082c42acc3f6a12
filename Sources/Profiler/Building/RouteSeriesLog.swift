/// Per-route request counts per step, for all shapes at once: the counts of the current step are
/// gathered in a small dense array indexed by shape (cache-resident), and when the step advances
/// they are appended as `(step, shape, count)` cells to one sequential log. This replaces one
/// sparse series per shape, whose scattered tails cost a cache miss or two per request.
///
/// Steps must arrive in non-decreasing order (the reorder buffer delivers them so); an earlier
/// step is still counted correctly, as an extra cell. Memory: 12 bytes per cell, cells bounded by
/// the owner's budget (``retain(shapes:)`` drops the cells of shapes no longer tracked).
struct RouteSeriesLog {
    private(set) var steps: [Int32] = []
    private(set) var shapes: [Int32] = []
    private(set) var counts: [UInt32] = []
    private var currentStep: Int32 = .min
    private var pending: [UInt32] = []
    private var touched: [Int32] = []

    /// Cells written (after ``flush()``, every (step, shape) pair with requests).
    var cells: Int { steps.count }

    /// Counts one request of `shape` in `step`; returns the number of cells the step flush added
    /// (0 unless the step advanced).
    @inline(__always)
    mutating func add(step: Int32, shape: Int32) -> Int {
        var added = 0
        if step != currentStep {
            added = flush()
            currentStep = step
        }
        let index = Int(shape)
        if index >= pending.count { pending.append(contentsOf: repeatElement(0, count: index + 1 - pending.count)) }
        if pending[index] == 0 { touched.append(shape) }
        pending[index] &+= 1
        return added
    }

    /// Writes the current step's counts to the log; returns the cells added.
    @discardableResult
    mutating func flush() -> Int {
        for shape in touched {
            steps.append(currentStep)
            shapes.append(shape)
            counts.append(pending[Int(shape)])
            pending[Int(shape)] = 0
        }
        let added = touched.count
        touched.removeAll(keepingCapacity: true)
        return added
    }

    /// The written cells of each shape (index: shape id, `shapeCount` entries; pending cells of
    /// the current step are not counted until ``flush()``).
    func cellCounts(shapeCount: Int) -> [Int] {
        var perShape = [Int](repeating: 0, count: shapeCount)
        for shape in shapes where Int(shape) < shapeCount { perShape[Int(shape)] += 1 }
        return perShape
    }

    /// Drops every cell (written or pending) of shapes for which `keep` is false.
    mutating func retain(shapes keep: (Int32) -> Bool) {
        flush()
        var write = 0
        for read in 0..<steps.count where keep(shapes[read]) {
            steps[write] = steps[read]
            shapes[write] = shapes[read]
            counts[write] = counts[read]
            write += 1
        }
        steps.removeLast(steps.count - write)
        shapes.removeLast(shapes.count - write)
        counts.removeLast(counts.count - write)
    }

    /// Adds the counts of the shapes mapped to a row by `row` (−1: not wanted) into dense rows of
    /// steps `factor` times wider, whose index 0 is wide step `origin`.
    func accumulate(into rows: inout [[Int]], row: [Int], origin: Int, factor: Int) {
        for i in 0..<steps.count {
            let shape = Int(shapes[i])
            guard shape < row.count, row[shape] >= 0 else { continue }
            let index = SparseSeries.wide(Int(steps[i]), factor) - origin
            if index >= 0 && index < rows[row[shape]].count { rows[row[shape]][index] += Int(counts[i]) }
        }
    }
}
