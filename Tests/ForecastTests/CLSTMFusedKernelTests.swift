import CLSTM
import Foundation
import Testing
@testable import Forecast

/// The fused recurrent kernels (CSources/CLSTM/recurrent_avx2.c, and recurrent_avx512.c where the
/// CPU has AVX-512) against the portable OpenBLAS path and the double-precision reference, on
/// shapes that hit every tail: H not a multiple of 4, 8 or 16, an odd number of 4-unit panels,
/// batches that are not a multiple of the 6-row tile, I = 1, 3 layers, rows split across threads.
@Suite struct CLSTMFusedKernelTests {
    /// True when `isa` is what a network asking for it runs on this CPU (an ISA the CPU lacks
    /// falls back to PORTABLE).
    static func runs(_ isa: clstm_isa) -> Bool {
        let shape = LSTMShape(layers: 1, inputSize: 1, hiddenSize: 1, outputSize: 1, sequenceLength: 1, maxBatch: 1)
        return (try? LSTMNetwork(shape: shape, seed: 1, isa: isa).activeISA) == isa
    }
    /// The fused ISAs this CPU runs: AVX2, and AVX512 where it has AVX-512 F/DQ/BW/VL.
    static let fusedISAs: [clstm_isa] = [CLSTM_ISA_AVX2, CLSTM_ISA_AVX512].filter(runs)

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

    @Test(arguments: cases, fusedISAs)
    func fusedMatchesPortablePath(_ c: Case, isa: clstm_isa) throws {
        let fused = try LSTMNetwork(shape: c.shape, seed: 3, threads: c.threads, isa: isa)
        let portable = try LSTMNetwork(shape: c.shape, seed: 3, isa: CLSTM_ISA_PORTABLE)
        #expect(fused.activeISA == isa)
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
        for d in Self.gradientDifferences(fused, reference: portable) {
            #expect(d.relative < 1e-4, "\(c.testDescription) \(d.tensor): relative difference \(d.relative)")
        }
    }

    /// Per parameter tensor: the L2 norm of `net`'s gradient minus `reference`'s, relative to the
    /// reference's norm, and that norm.
    static func gradientDifferences(_ net: LSTMNetwork, reference: LSTMNetwork) -> [(tensor: String, relative: Double, norm: Double)] {
        let g = net.gradients, r = reference.gradients
        return reference.tensors.map { t in
            let range = t.offset..<(t.offset + t.rows * t.cols)
            let diff = range.map { Double(g[$0] - r[$0]) }, ref = range.map { Double(r[$0]) }
            let norm = ref.map { $0 * $0 }.reduce(0, +).squareRoot()
            return (t.name, diff.map { $0 * $0 }.reduce(0, +).squareRoot() / max(norm, 1e-12), norm)
        }
    }

    @Test(arguments: fusedISAs)
    func fusedGradientsMatchFiniteDifferencesInDouble(isa: clstm_isa) throws {
        // 3 layers, I = 1, H = 6 (a half group of 4 in every tile), B = 7 over 2 workers
        let c = Case(layers: 3, input: 1, hidden: 6, output: 2, steps: 4, batch: 7, threads: 2)
        let net = try LSTMNetwork(shape: c.shape, seed: 5, threads: c.threads, isa: isa)
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

    @Test(arguments: fusedISAs)
    func resultsAreDeterministicPerThreadCountAndRowsDoNotDependOnTheSplit(isa: clstm_isa) throws {
        let shape = LSTMShape(layers: 2, inputSize: 4, hiddenSize: 12, outputSize: 3, sequenceLength: 9, maxBatch: 25)
        let x = CLSTMTests.makeInput(shape, batch: 25, seed: 53)
        let dy = (0..<(25 * 3)).map { Float($0 % 7) * 0.1 - 0.3 }
        func run(threads: Int) throws -> (y: [Float], grads: [Float]) {
            let net = try LSTMNetwork(shape: shape, seed: 9, threads: threads, isa: isa)
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

    /// The gate non-linearities (the fused kernels' 2^z polynomial and reciprocals, the ratio forms
    /// of i*g and o*tanh(c)) against libm in double: one hidden unit, the head reading h directly,
    /// two steps so that every gate and the carried cell state count. Relative error where the
    /// pre-activations stay in [-12, 12] (there the float rounding of the pre-activation itself
    /// stays below 1e-6 of the output) and |h| > 0.05 (tanh computed through 2^z, like 2 sigmoid(2x) - 1,
    /// is accurate in absolute, not relative, terms near 0); absolute error everywhere, with
    /// saturated inputs out to ±90. Measured: AVX2 6.8e-7 relative / 2.5e-7 absolute, libm in
    /// float (portable) 4.6e-7 / 1.5e-7.
    @Test(arguments: [CLSTM_ISA_PORTABLE] + fusedISAs)
    func gateNonLinearitiesMatchLibm(isa: clstm_isa) throws {
        let batch = 600
        let shape = LSTMShape(layers: 1, inputSize: 1, hiddenSize: 1, outputSize: 1, sequenceLength: 2, maxBatch: batch)
        let net = try LSTMNetwork(shape: shape, seed: 1, isa: isa)
        // tensors: layer0.Wx [4][1], layer0.Wh [4][1], layer0.b [4], head.W [1][1], head.b [1]
        let wx: [Double] = [1.0, -0.7, 0.45, 1.3], wh: [Double] = [0.9, -1.1, 0.6, 0.5], b: [Double] = [0.1, -0.2, 0.3, -0.1]
        net.parameters = (wx + wh + b + [1.0, 0.0]).map(Float.init)
        var r = TestRandom(state: 61)
        // x as [T][B]: most rows in the relative range, every 10th one far into saturation
        let x: [Float] = (0..<(2 * batch)).map { k in Float(r.uniform(1.0) * (k % 10 == 9 ? 90.0 : 9.0)) }
        let y = try net.forward(x, batch: batch)
        func sigmoid(_ v: Double) -> Double { 1 / (1 + exp(-v)) }
        var worstRel = 0.0, worstAbs = 0.0, relChecked = 0
        for s in 0..<batch {
            var h = 0.0, c = 0.0, largest = 0.0
            for t in 0..<2 {
                let xv = Double(x[t * batch + s])
                let pre = (0..<4).map { wx[$0] * xv + wh[$0] * h + b[$0] }
                largest = max(largest, pre.map(abs).max()!)
                c = sigmoid(pre[1]) * c + sigmoid(pre[0]) * tanh(pre[2])
                h = sigmoid(pre[3]) * tanh(c)
            }
            let err = abs(Double(y[s]) - h)
            worstAbs = max(worstAbs, err)
            if largest <= 12 && abs(h) > 0.05 {
                worstRel = max(worstRel, err / abs(h))
                relChecked += 1
            }
        }
        #expect(relChecked > batch / 3)
        #expect(worstRel < 1.5e-6, "worst relative error \(worstRel) against libm (double)")
        #expect(worstAbs < 5e-7, "worst absolute error \(worstAbs) against libm (double)")
    }
}
