import Foundation
import Traffic

/// The most recent stretch of a Combined log, turned into a time-compressed `RequestBatch`
/// for the emitter's open-model schedule: each request is sent at its own (compressed) offset.
///
/// Credential-like query values are replaced (``Redactor/redact(query:)``) before the bytes are
/// built, so replayed traffic carries no secret from the log.
struct ReplaySlice: Sendable {
    /// The requests in time order, cut into chunks of at most one second of run time.
    var chunks: [RequestBatch]
    /// Requests in all chunks.
    var count: Int
    /// Log seconds per run second.
    var compression: Double
    /// Log time (epoch seconds) of the first replayed request.
    var firstLogTime: Double
    /// Log seconds covered.
    var logSpan: Double

    /// Reads `path` (Combined format) and keeps the last `count` requests whose time is before
    /// `before`, compressed to fit `runSeconds`.
    static func load(path: String, count: Int, before: Double, runSeconds: Double, host: String) throws -> ReplaySlice {
        var ring: [RequestRecord] = []
        ring.reserveCapacity(count)
        var next = 0
        let reader = LogReader()
        _ = try reader.read(try LogSource(path: path), format: .combined) { fields, _ in
            guard fields.time < before else { return }
            let record = RequestRecord(
                time: fields.time, method: fields.method.string, path: fields.path.string,
                query: fields.query.isEmpty ? nil : fields.query.string,
                userAgent: fields.userAgent.isDash ? nil : fields.userAgent.string)
            if ring.count < count { ring.append(record) } else { ring[next] = record }
            next = (next + 1) % max(count, 1)
        }
        let records = ring.count < count ? ring : Array(ring[next...] + ring[..<next])
        guard let first = records.first, let last = records.last else {
            throw DemoError.stage("replay", "no request in \(path) before the forecast start")
        }
        let span = max(1, last.time - first.time)
        let compression = span / runSeconds
        var chunks: [RequestBatch] = []
        var batch = RequestBatch(routes: ["replay"])
        var chunkSecond = 0
        for record in records {
            let offset = (record.time - first.time) / compression
            if Int(offset) != chunkSecond, !batch.entries.isEmpty {
                chunks.append(batch)
                batch = RequestBatch(routes: ["replay"])
            }
            chunkSecond = Int(offset)
            batch.append(Array(Self.requestBytes(record, host: host).utf8), route: 0, sendAtNanos: Int64(offset * 1e9))
        }
        if !batch.entries.isEmpty { chunks.append(batch) }
        return ReplaySlice(chunks: chunks, count: records.count, compression: compression, firstLogTime: first.time, logSpan: span)
    }

    /// The HTTP/1.1 request a log line stands for (bodies of POSTs are small JSON fillers).
    static func requestBytes(_ record: RequestRecord, host: String) -> String {
        var target = record.path
        if let query = record.query.map({ $0.hasPrefix("?") ? String($0.dropFirst()) : $0 }), !query.isEmpty {
            target += "?" + Redactor.redact(query: query)
        }
        var text = "\(record.method) \(target) HTTP/1.1\r\nHost: \(host)\r\n"
        if let agent = record.userAgent { text += "User-Agent: \(agent)\r\n" }
        if record.method == "POST" || record.method == "PUT" {
            let body = "{\"replayed\":true}"
            text += "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
        } else {
            text += "\r\n"
        }
        return text
    }
}

/// A fixed list of batches as the `AsyncSequence` the emitter's schedule model takes.
struct BatchSequence: AsyncSequence, Sendable {
    typealias Element = RequestBatch
    let batches: [RequestBatch]

    struct AsyncIterator: AsyncIteratorProtocol {
        var remaining: ArraySlice<RequestBatch>
        mutating func next() async -> RequestBatch? { remaining.popFirst() }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(remaining: batches[...]) }
}
