import NIOCore

/// Kept-alive connections to the primary owned by one event loop (used only on that loop).
/// Each connection carries one request at a time; idle ones are reused last-in first-out so the
/// warmest connection serves the next request.
final class PrimaryPool {
    let connector: UpstreamConnector
    let maxIdle: Int
    private var idle: [UpstreamHandler] = []

    init(connector: UpstreamConnector, maxIdle: Int) {
        self.connector = connector
        self.maxIdle = maxIdle
        idle.reserveCapacity(min(maxIdle, 256))
    }

    /// An idle, still-open connection, if there is one.
    @inline(__always)
    func takeIdle() -> UpstreamHandler? {
        while let connection = idle.popLast() {
            if connection.isActive { return connection }
        }
        return nil
    }

    /// Returns a connection after a complete exchange; closes it when the pool is full.
    func release(_ connection: UpstreamHandler) {
        connection.receiver = nil
        connection.setReading(true)
        if connection.isActive && idle.count < maxIdle {
            idle.append(connection)
        } else {
            connection.close()
        }
    }

    /// Closes every idle connection.
    func closeAll() {
        for connection in idle { connection.close() }
        idle.removeAll()
    }
}
