import Testing
@testable import Traffic

@Suite("RequestBatch")
struct RequestBatchTests {
    @Test("appended requests come back byte for byte, entries point into the arena")
    func appendAndRead() {
        var batch = RequestBatch(routes: ["GET /a", "GET /b"])
        let first = Array("GET /a HTTP/1.1\r\nHost: x\r\n\r\n".utf8)
        let second = Array("GET /b HTTP/1.1\r\nHost: x\r\n\r\n".utf8)
        batch.append(first, route: 0, sendAtNanos: 10)
        batch.append(second, route: 1, flags: 2, sendAtNanos: 20)
        #expect(Array(batch.bytes(at: 0)) == first)
        #expect(Array(batch.bytes(at: 1)) == second)
        #expect(batch.entries[1].offset == UInt32(first.count))
        #expect(batch.entries[1].flags == 2)
        #expect(MemoryLayout<RequestBatch.Entry>.size == 24)
    }
}
