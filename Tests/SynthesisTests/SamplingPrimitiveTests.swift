@testable import Synthesis
import Testing
import Traffic

/// The hot-path copies of sampling primitives draw exactly what the definitions they replace
/// draw, so the schedule's bytes and times do not depend on which one runs.
@Suite("Sampling primitives")
struct SamplingPrimitiveTests {
    @Test("ArrivalRandom gives SeededRandom's sequence")
    func arrivalStreamMatchesSeededRandom() {
        for seed: UInt64 in [0, 1, 42, 0x4152_5249_5641_4c53, .max] {
            var reference = SeededRandom(seed: seed)
            var local = ArrivalRandom(seed: seed)
            for _ in 0..<1000 {
                #expect(local.next() == reference.next())
            }
            #expect(local.nextUnit() == reference.nextUnit())
        }
    }

    @Test("the integer alias table draws what the floating-point comparison defines")
    func aliasTableMatchesDefinition() {
        let weights = [0.5, 0.3, 0.15, 0.049, 0.001, 0, 1e-9, 2.5]
        let table = AliasTable(weights: weights)
        // Rebuild the acceptance probabilities the way the table defines them and compare
        // every draw: low 32 bits as a fraction below the column's probability.
        var random = SeededRandom(seed: 7)
        var counts = [Int](repeating: 0, count: weights.count)
        for _ in 0..<200_000 {
            let bits = random.next()
            let index = table.sample(bits: bits)
            let column = Int(((bits >> 32) &* UInt64(weights.count)) >> 32)
            #expect(index == column || index == table.columns[column].alias)
            let threshold = table.columns[column].threshold
            #expect((bits & 0xffff_ffff < threshold) == (index == column))
            counts[index] += 1
        }
        // Frequencies follow the weights (5 sigma).
        let total = weights.reduce(0, +)
        for (i, w) in weights.enumerated() {
            let p = w / total
            let expected = p * 200_000
            #expect(abs(Double(counts[i]) - expected) <= 5 * (expected * (1 - p)).squareRoot() + 1)
        }
        // Columns whose probability is exactly representable keep the exact comparison.
        let half = AliasTable(weights: [1, 3])
        #expect(half.columns.contains { $0.threshold == 1 << 31 } || half.columns.contains { $0.threshold == 1 << 32 })
    }

    @Test("pool copies write exactly the value's bytes")
    func poolCopyWritesExactBytes() {
        var pool = BytePool()
        let values: [[UInt8]] = [[], [65], Array(repeating: 66, count: 15), Array(repeating: 67, count: 16),
                                 Array(repeating: 68, count: 17), (0..<255).map { UInt8($0) }, Array(repeating: 69, count: 600)]
        let refs = values.map { pool.add($0) }
        #expect(pool.bytes.count == values.reduce(0) { $0 + $1.count } + BytePool.padding)
        var expected: [UInt8] = []
        let capacity = values.reduce(0) { $0 + $1.count } + ByteCursor.overrun
        let written = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, count in
            pool.bytes.withUnsafeBufferPointer { poolBuffer in
                var out = ByteCursor(position: buffer.baseAddress!)
                for (ref, value) in zip(refs, values) {
                    out.copy(ref, from: poolBuffer.baseAddress!)
                    expected += value
                }
                count = out.position - buffer.baseAddress!
            }
        }
        #expect(written == expected)
    }
}
