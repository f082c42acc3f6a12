/// The per-request counters of every shape in one flat array, 16 integers (two cache lines) per
/// shape: the request count, the counts of method ids 0..<``methodSlots`` and up to
/// ``statusSlots`` distinct status codes. Before this, each request touched the shape's
/// ``ShapeStats`` plus three separately allocated arrays (methods, status codes, status counts),
/// each a likely cache miss once there are thousands of shapes.
///
/// Methods and status codes that do not fit the block are counted by the caller in
/// ``ShapeStats`` (``count(shape:method:status:)`` says so); ``fold(into:)`` adds the block
/// counts to the shape stats before a profile is assembled.
struct ShapeCounters {
    static let stride = 16
    static let methodSlots = 5
    static let statusSlots = 5
    private static let methodBase = 1
    private static let codeBase = methodBase + methodSlots  // 6: codes + 2 (0 = empty slot)
    private static let statusBase = codeBase + statusSlots  // 11: counts

    private var cells: [Int] = []

    /// Shapes with a block.
    var shapes: Int { cells.count / Self.stride }

    /// Requests counted for `shape` since the last ``fold(into:)``.
    func requests(_ shape: Int) -> Int {
        shape < shapes ? cells[shape * Self.stride] : 0
    }

    /// Counts one request. Returns which parts did not fit the block: the caller counts those
    /// in the shape's ``ShapeStats``.
    @inline(__always)
    mutating func count(shape: Int, method: Int, status: Int) -> (methodOverflow: Bool, statusOverflow: Bool) {
        if shape >= shapes { cells.append(contentsOf: repeatElement(0, count: (shape + 1 - shapes) * Self.stride)) }
        return cells.withUnsafeMutableBufferPointer { buffer in
            let block = buffer.baseAddress! + shape * Self.stride
            block[0] += 1
            var methodOverflow = true
            if method < Self.methodSlots {
                block[Self.methodBase + method] += 1
                methodOverflow = false
            }
            // Codes are stored + 2 (absent, -1, becomes 1; 0 marks an empty slot); odd values
            // from other formats go to the shape stats.
            guard status >= -1 && status <= 1_000_000 else { return (methodOverflow, true) }
            let code = status + 2
            for slot in 0..<Self.statusSlots {
                let held = block[Self.codeBase + slot]
                if held == code {
                    block[Self.statusBase + slot] += 1
                    return (methodOverflow, false)
                }
                if held == 0 {
                    block[Self.codeBase + slot] = code
                    block[Self.statusBase + slot] = 1
                    return (methodOverflow, false)
                }
            }
            return (methodOverflow, true)
        }
    }

    /// Adds every block to `stats` (request counts, method counts, status counts) and clears
    /// the blocks, so folding twice never counts twice.
    mutating func fold(into stats: inout [ShapeStats]) {
        for shape in 0..<min(shapes, stats.count) {
            let block = shape * Self.stride
            guard cells[block] > 0 else { continue }
            stats[shape].count += cells[block]
            for method in 0..<Self.methodSlots where cells[block + Self.methodBase + method] > 0 {
                if method >= stats[shape].methodCounts.count {
                    stats[shape].methodCounts.append(contentsOf: repeatElement(0, count: method + 1 - stats[shape].methodCounts.count))
                }
                stats[shape].methodCounts[method] += cells[block + Self.methodBase + method]
            }
            for slot in 0..<Self.statusSlots where cells[block + Self.codeBase + slot] != 0 {
                stats[shape].countStatus(cells[block + Self.codeBase + slot] - 2, weight: cells[block + Self.statusBase + slot])
            }
            for i in block..<(block + Self.stride) { cells[i] = 0 }
        }
    }
}
