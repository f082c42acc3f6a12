import Profiler
import Synthesis
import Testing
import Traffic

@Suite("Determinism and sharding")
struct DeterminismTests {
    @Test("same profile, options and seed give byte-identical chunks")
    func sameSeedSameBytes() throws {
        let profile = ExampleProfile.shop(medianPerStep: 6000)
        let a = try ScheduleGenerator(profile: profile, options: options(seed: 42))
        let b = try ScheduleGenerator(profile: profile, options: options(seed: 42))
        var chunks = 0
        while let x = a.nextChunk() {
            let y = try #require(b.nextChunk())
            #expect(x == y)
            chunks += 1
        }
        #expect(b.nextChunk() == nil)
        #expect(chunks > 1)
        #expect(a.stats.requests > 500)
    }

    @Test("a different seed gives different requests")
    func differentSeedDifferentBytes() throws {
        let profile = ExampleProfile.shop(medianPerStep: 6000)
        let a = collect(try ScheduleGenerator(profile: profile, options: options(seed: 1)))
        let b = collect(try ScheduleGenerator(profile: profile, options: options(seed: 2)))
        #expect(a.map(\.bytes) != b.map(\.bytes))
        #expect(a.map(\.entry.sendAtNanos) != b.map(\.entry.sendAtNanos))
    }

    @Test("timestamps are non-decreasing and inside the run", arguments: [SynthesisOptions.ArrivalModel.open, .sessions])
    func timestampsOrdered(model: SynthesisOptions.ArrivalModel) throws {
        let profile = ExampleProfile.shop(medianPerStep: 6000)
        let all = collect(try ScheduleGenerator(profile: profile, options: options { $0.arrivals = model }))
        #expect(all.count > 100)
        for (previous, next) in zip(all, all.dropFirst()) { #expect(previous.entry.sendAtNanos <= next.entry.sendAtNanos) }
        #expect(all.last!.entry.sendAtNanos < 10_000_000_000)
        #expect(all.first!.entry.sendAtNanos >= 0)
    }

    @Test("N shards together are exactly the one schedule", arguments: [1, 3, 4])
    func shardsPartitionTheRun(count: Int) throws {
        let profile = ExampleProfile.shop(medianPerStep: 3000)
        let base = options(seed: 9) { $0.faults = FaultPlan(rules: [FaultRule(kind: .badHeaderLine, probability: 0.05)]) }
        let whole = collect(try ScheduleGenerator(profile: profile, options: base))
        var parts: [[(entry: RequestBatch.Entry, bytes: [UInt8])]] = []
        for index in 0..<count {
            var o = base
            o.shard = try Shard(index: index, count: count)
            parts.append(collect(try ScheduleGenerator(profile: profile, options: o)))
        }
        #expect(parts.map(\.count).reduce(0, +) == whole.count)
        // Request k of the whole run is request k / N of shard k % N: same bytes, route, flags, time.
        var mismatches = 0
        for (k, request) in whole.enumerated() {
            let part = parts[k % count][k / count]
            if part.bytes != request.bytes || part.entry.sendAtNanos != request.entry.sendAtNanos
                || part.entry.route != request.entry.route || part.entry.flags != request.entry.flags {
                mismatches += 1
            }
        }
        #expect(mismatches == 0)
    }

    @Test("shard parsing rejects bad values")
    func shardParsing() throws {
        #expect(try Shard(parsing: "2/4") == Shard(index: 2, count: 4))
        #expect(throws: SynthesisError.self) { try Shard(parsing: "4/4") }
        #expect(throws: SynthesisError.self) { try Shard(parsing: "x") }
    }

    @Test("chunks respect the size bound, so a long run never sits in memory")
    func chunksAreBounded() throws {
        let profile = ExampleProfile.shop(medianPerStep: 60_000)
        let generator = try ScheduleGenerator(profile: profile, options: options(duration: 3) { $0.chunkRequests = 500 })
        var chunks = 0
        while let chunk = generator.nextChunk() {
            #expect(chunk.entries.count <= 500)
            chunks += 1
        }
        #expect(generator.stats.requests > 2000)
        #expect(chunks >= generator.stats.requests / 500)
    }
}

@Suite("Chunking does not change the schedule")
struct ChunkingTests {
    @Test("requests and times are the same whatever the chunk size, even when large requests end chunks early")
    func chunkSizeIndependent() throws {
        let profile = ExampleProfile.shop(medianPerStep: 3000)
        func run(_ chunk: Int) throws -> [(entry: RequestBatch.Entry, bytes: [UInt8])] {
            let o = options(seed: 5, duration: 2) {
                $0.chunkRequests = chunk
                $0.faults = FaultPlan(rules: [FaultRule(kind: .oversizedHeaders, probability: 0.3, bytes: 20_000)])
            }
            return collect(try ScheduleGenerator(profile: profile, options: o))
        }
        let one = try run(1)
        let big = try run(4096)
        #expect(one.count > 50)
        #expect(one.count == big.count)
        #expect(one.map(\.bytes) == big.map(\.bytes))
        #expect(one.map(\.entry.sendAtNanos) == big.map(\.entry.sendAtNanos))
        #expect(one.map(\.entry.route) == big.map(\.entry.route))
        // Large requests are written whole: every oversized one carries its padding.
        let padded = big.filter { String(decoding: $0.bytes, as: UTF8.self).contains("X-Shadowcast-Padding: ") }
        #expect(padded.count > 10)
        #expect(padded.allSatisfy { $0.bytes.count > 20_000 })
    }
}
