import CLSTM
import Foundation
import Testing
@testable import Forecast

/// The fused AVX2 recurrent kernels (CSources/CLSTM/recurrent_avx2.c) against the portable
/// OpenBLAS path and the double-precision reference, on shapes that hit every tail: H not a
/// multiple of 4 or 8, batches that are not a multiple of the 6-row tile, I = 1, 3 layers,
/// rows split across threads.
@Suite struct CLSTMFusedKernelTests {
    /// True when this CPU runs the fused kernels (AVX2 + FMA); elsewhere AUTO never picks them.
    static let fusedAvailable: Bool = {
        let shape = LSTMShape(layers: 1, inputSize: 1, hiddenSize: 1, outputSize: 1, sequenceLength: 1, maxBatch: 1)
        return (try? LSTMNetwork(shape: shape, seed: 1, isa: CLSTM_ISA_AVX2).activeISA) == CLSTM_ISA_AVX2
    }()

    struct Case: CustomTestStringConvertible, Sendable {
        var layers, input, hidden, output, steps, batch, threads: Int
        var testDescription: String { "L\(layers) I\(input) H\(hidden) O\(output) T\(steps) B\(batch) threads \(threads)" }
        var shape: LSTMShape {
            LSTMShape(layers: layers, inputSize: input, hiddenSize: hidden, outputSize: output, sequenceLength: steps, maxBatch: batch)
        }
    }

    static let cases: [Case] = [
        Case(layers: 1, input: 1, hidden: 13, output: 2, steps: 6, batch: 7, threads: 1),  // I = 1, H % 4 = 1, one full tile + 1 row
        Case(layers: 3, input: 3, hidden: 9, output: 4, steps: 5, batch: 13, threads: 2),  // 3 layers, dx kernel, 2 workers
        Case(layers: 2, input: 8, hidden: 64, output: 3, steps: 4, batch: 14, threads: 1), // the benchmark H, odd last tile (2 rows)
        Case(layers: 1, input: 5, hidden: 18, output: 1, steps: 3, batch: 5, threads: 3),  // H % 8 = 2, fewer rows than a tile
        Case(layers: 2, input: 2, hidden: 6, output: 5, steps: 7, batch: 1, threads: 1),   // single sequence
    ]

    static func randomize(_ net: LSTMNetwork, seed: UInt64, scale: Double) {
        var r = TestRandom(state: seed)
        net.parameters = net.parameters.map { _ in Float(r.uniform(scale)) }
    }

    @Test(.enabled(if: fusedAvailable), arguments: cases)
    func fusedMatchesPortablePath(_ c: Case) throws {
        let fused = try LSTMNetwork(shape: c.shape, seed: 3, threads: c.threads, isa: CLSTM_ISA_AVX2)
        let portable = try LSTMNetwork(shape: c.shape, seed: 3, isa: CLSTM_ISA_PORTABLE)
        #expect(fused.activeISA == CLSTM_ISA_AVX2)
        Self.randomize(fused, seed: 17, scale: 0.6)
        portable.parameters = fused.parameters
        let x = CLSTMTests.makeInput(c.shape, batch: c.batch, seed: 23)
        var r = TestRandom(state: 29)
        let dy = (0..<(c.batch * c.output)).map { _ in Float(r.uniform(1.0)) }

        let yf = try fused.forward(x, batch: c.batch), yp = try portable.forward(x, batch: c.batch)
        #expect(zip(yf, yp).map { abs($0 - $1) }.max()! < 1e-5)
        var yft = [Float](), ypt = [Float]()
        try fused.forwardTrain(x, batch: c.batch, into: &yft)
        try portable.forwardTrain(x, batch: c.batch, into: &ypt)
        #expect(yft == yf, "the training forward computes the same outputs as inference")
        #expect(zip(yft, ypt).map { abs($0 - $1) }.max()! < 1e-5)

        try fused.backward(dy)
        try portable.backward(dy)
        let gf = fused.gradients, gp = portable.gradients
        for t in fused.tensors {
            let range = t.offset..<(t.offset + t.rows * t.cols)
            let diff = range.map { Double(gf[$0] - gp[$0]) }, ref = range.map { Double(gp[$0]) }
            let rel = sqrt(diff.map { $0 * $0 }.reduce(0, +)) / max(sqrt(ref.map { $0 * $0 }.reduce(0, +)), 1e-12)
            #expect(rel < 1e-4, "\(c.testDescription) \(t.name): relative difference \(rel)")
        }
    }

    @Test(.enabled(if: fusedAvailable))
    func fusedGradientsMatchFiniteDifferencesInDouble() throws {
        // 3 layers, I = 1, H = 6 (a half group of 4 in every tile), B = 7 over 2 workers
        let c = Case(layers: 3, input: 1, hidden: 6, output: 2, steps: 4, batch: 7, threads: 2)
        let net = try LSTMNetwork(shape: c.shape, seed: 5, threads: c.threads, isa: CLSTM_ISA_AVX2)
        Self.randomize(net, seed: 41, scale: 0.5)
        let x = CLSTMTests.makeInput(c.shape, batch: c.batch, seed: 43)
        var r = TestRandom(state: 47)
        let w = (0..<(c.batch * c.output)).map { _ in r.uniform(1.0) }
        var y = [Float]()
        try net.forwardTrain(x, batch: c.batch, into: &y)
        try net.backward(w.map(Float.init))
        let analytic = net.gradients
        let reference = NaiveLSTMReference(shape: c.shape)
        var p = net.parameters.map(Double.init)
        let xd = x.map(Double.init)
        func loss(_ p: [Double]) -> Double { zip(reference.forward(parameters: p, x: xd, batch: c.batch), w).reduce(0) { $0 + $1.0 * $1.1 } }
        for t in net.tensors {
            let count = t.rows * t.cols, stride = max(1, count / 25)
            var diff = 0.0, norm = 0.0
            for k in Swift.stride(from: t.offset, to: t.offset + count, by: stride) {
                let v = p[k]
                p[k] = v + 1e-6
                let lp = loss(p)
                p[k] = v - 1e-6
                let lm = loss(p)
                p[k] = v
                let numeric = (lp - lm) / 2e-6
                diff += pow(Double(analytic[k]) - numeric, 2)
                norm += numeric * numeric
            }
            let rel = sqrt(diff) / max(sqrt(norm), 1e-12)
            #expect(norm > 0, "\(t.name) has zero gradient")
            #expect(rel < 1e-3, "\(t.name): relative error \(rel)")
        }
    }

    @Test(.enabled(if: fusedAvailable))
    func resultsAreDeterministicPerThreadCountAndRowsDoNotDependOnTheSplit() throws {
        let shape = LSTMShape(layers: 2, inputSize: 4, hiddenSize: 12, outputSize: 3, sequenceLength: 9, maxBatch: 25)
        let x = CLSTMTests.makeInput(shape, batch: 25, seed: 53)
        let dy = (0..<(25 * 3)).map { Float($0 % 7) * 0.1 - 0.3 }
        func run(threads: Int) throws -> (y: [Float], grads: [Float]) {
            let net = try LSTMNetwork(shape: shape, seed: 9, threads: threads, isa: CLSTM_ISA_AVX2)
            var y = [Float]()
            try net.forwardTrain(x, batch: 25, into: &y)
            try net.backward(dy)
            return (y, net.gradients)
        }
        let one = try run(threads: 1), oneAgain = try run(threads: 1), three = try run(threads: 3), threeAgain = try run(threads: 3)
        #expect(one.grads == oneAgain.grads)
        #expect(three.grads == threeAgain.grads)
        // each sequence's forward depends only on its own rows: identical whatever the split
        #expect(one.y == three.y)
        // weight gradients are summed per worker, so the order differs: equal up to rounding
        let maxDiff = zip(one.grads, three.grads).map { abs($0 - $1) }.max()!
        let scale = one.grads.map { abs($0) }.max()!
        #expect(maxDiff <= 1e-5 * scale, "max difference \(maxDiff) at gradient scale \(scale)")
    }
}
