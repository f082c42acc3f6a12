import Synchronization

/// Chooses the event loop of each new client connection: fill the first loop up to
/// `packConnections` open connections, then the next, and once every loop holds that many, the
/// loop with the fewest. A few connections thus share one loop (one thread woken per burst of
/// requests, as nginx's `multi_accept` worker does) and many are spread evenly.
///
/// Why: on a small machine shared with the load generator and the upstream, four client
/// connections spread over two loops gave two threads ping-ponging on two cores, and wrk's p99
/// at 4 connections was ~20 ms (three runs in four) against ~7 ms with all four on one loop.
final class LoopPlacement: Sendable {
    /// Open connections per loop below which that loop takes new ones before the next loop.
    let packConnections: Int
    private let open: Mutex<[Int]>

    init(loops: Int, packConnections: Int) {
        self.packConnections = max(0, packConnections)
        open = Mutex(Array(repeating: 0, count: max(1, loops)))
    }

    /// The loop for a new connection, counted as open on it until `closed(loop:)`.
    func place() -> Int {
        open.withLock { open in
            let index = open.indices.first { open[$0] < packConnections }
                ?? open.indices.min { open[$0] < open[$1] } ?? 0
            open[index] += 1
            return index
        }
    }

    /// A connection placed on `loop` closed (or could not be set up).
    func closed(loop: Int) {
        open.withLock { open in
            if open.indices.contains(loop), open[loop] > 0 { open[loop] -= 1 }
        }
    }

    /// Open connections per loop.
    var openConnections: [Int] { open.withLock { $0 } }
}
