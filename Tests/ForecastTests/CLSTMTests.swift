import CLSTM
import Foundation
import Testing
@testable import Forecast

@Suite struct CLSTMTests {
    static func makeInput(_ shape: LSTMShape, batch: Int, seed: UInt64) -> [Float] {
        var r = TestRandom(state: seed)
        return (0..<(shape.sequenceLength * batch * shape.inputSize)).map { _ in Float(r.uniform(1.0)) }
    }

    @Test(arguments: [CLSTM_ISA_PORTABLE, CLSTM_ISA_AVX2, CLSTM_ISA_AVX512])
    func forwardMatchesNaiveReference(isa: clstm_isa) throws {
        let shape = LSTMShape(layers: 2, inputSize: 5, hiddenSize: 19, outputSize: 7, sequenceLength: 9, maxBatch: 4)
        let net = try LSTMNetwork(shape: shape, seed: 42, isa: isa)
        // bigger weights than the default init so the non-linearities are exercised
        var r = TestRandom(state: 7)
        net.parameters = net.parameters.map { _ in Float(r.uniform(0.6)) }
        let x = Self.makeInput(shape, batch: 3, seed: 3)
        let y = try net.forward(x, batch: 3)
        let ref = NaiveLSTMReference(shape: shape).forward(parameters: net.parameters.map(Double.init), x: x.map(Double.init), batch: 3)
        let maxErr = zip(y, ref).map { abs(Double($0) - $1) }.max() ?? 1
        #expect(maxErr < 2e-5, "ISA \(net.activeISA) max abs error \(maxErr)")
        // the training forward computes the same outputs
        var y2 = [Float]()
        try net.forwardTrain(x, batch: 3, into: &y2)
        #expect(zip(y, y2).allSatisfy { abs($0 - $1) < 1e-6 })
    }

    @Test("initial weights: biases zero but the forget gate's 1, every weight matrix random, also a one-output head")
    func initialWeightsByTensor() throws {
        for outputs in [1, 3] {
            let shape = LSTMShape(layers: 2, inputSize: 2, hiddenSize: 4, outputSize: outputs, sequenceLength: 3, maxBatch: 1)
            let net = try LSTMNetwork(shape: shape, seed: 5)
            let p = net.parameters
            var offset = 0
            func take(_ n: Int) -> ArraySlice<Float> { defer { offset += n }; return p[offset..<(offset + n)] }
            let H = 4
            for layer in 0..<2 {
                let wx = take(4 * H * (layer == 0 ? 2 : H)), wh = take(4 * H * H), b = take(4 * H)
                #expect(wx.allSatisfy { $0 != 0 } && wh.allSatisfy { $0 != 0 }, "layer \(layer), O = \(outputs)")
                #expect(Array(b) == (0..<(4 * H)).map { $0 >= H && $0 < 2 * H ? 1 : 0 })
            }
            let headW = take(outputs * H), headB = take(outputs)
            #expect(headW.allSatisfy { $0 != 0 }, "head.W with O = \(outputs)")
            #expect(headB.allSatisfy { $0 == 0 })
            #expect(offset == p.count)
        }
    }

    @Test(arguments: [(1, CLSTM_ISA_AUTO), (3, CLSTM_ISA_AUTO), (2, CLSTM_ISA_PORTABLE)])
    func gradientsMatchFiniteDifferencesInDouble(layers: Int, isa: clstm_isa) throws {
        // H = 9: the vector kernels' 8-wide body and their scalar tail are both exercised
        let shape = LSTMShape(layers: layers, inputSize: 3, hiddenSize: 9, outputSize: 4, sequenceLength: 5, maxBatch: 3)
        let batch = 3
        let net = try LSTMNetwork(shape: shape, seed: 11, isa: isa)
        var r = TestRandom(state: 99)
        net.parameters = net.parameters.map { _ in Float(r.uniform(0.5)) }
        let x = Self.makeInput(shape, batch: batch, seed: 5)
        // loss = sum(w .* y) for fixed random w, so dL/dy = w
        let w = (0..<(batch * shape.outputSize)).map { _ in r.uniform(1.0) }
        var y = [Float]()
        try net.forwardTrain(x, batch: batch, into: &y)
        try net.backward(w.map(Float.init))
        let analytic = net.gradients
        let reference = NaiveLSTMReference(shape: shape)
        var p = net.parameters.map(Double.init)
        let xd = x.map(Double.init)
        func loss(_ p: [Double]) -> Double { zip(reference.forward(parameters: p, x: xd, batch: batch), w).reduce(0) { $0 + $1.0 * $1.1 } }
        let eps = 1e-6
        #expect(net.tensors.count == 3 * layers + 2)
        for t in net.tensors {
            // every tensor; up to 40 of its entries (evenly spread) by central differences in double
            let count = t.rows * t.cols
            let stride = max(1, count / 40)
            var diff = 0.0, norm = 0.0
            for k in Swift.stride(from: t.offset, to: t.offset + count, by: stride) {
                let v = p[k]
                p[k] = v + eps
                let lp = loss(p)
                p[k] = v - eps
                let lm = loss(p)
                p[k] = v
                let numeric = (lp - lm) / (2 * eps)
                diff += pow(Double(analytic[k]) - numeric, 2)
                norm += numeric * numeric
            }
            let rel = sqrt(diff) / max(sqrt(norm), 1e-12)
            #expect(norm > 0, "\(t.name) has zero gradient")
            #expect(rel < 1e-3, "\(t.name): relative error \(rel)")
        }
    }

    @Test func saveLoadRoundTripAndCorruptFileErrors() throws {
        let shape = LSTMShape(layers: 2, inputSize: 4, hiddenSize: 8, outputSize: 3, sequenceLength: 5, maxBatch: 2)
        let a = try LSTMNetwork(shape: shape, seed: 1)
        let b = try LSTMNetwork(shape: shape, seed: 2)
        #expect(a.parameters != b.parameters)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("clstm-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("w.bin").path
        try a.save(path: path)
        try b.load(path: path)
        #expect(a.parameters == b.parameters)
        let x = Self.makeInput(shape, batch: 2, seed: 9)
        #expect(try a.forward(x, batch: 2) == b.forward(x, batch: 2))

        // flip one byte inside the weights: checksum error
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[bytes.count / 2] ^= 0x40
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        #expect(throws: LSTMError(CLSTM_EBADMSG, "loading weights from \(path)")) { try b.load(path: path) }
        // truncated file
        try Data(bytes.prefix(20)).write(to: URL(fileURLWithPath: path))
        #expect(throws: LSTMError(CLSTM_EBADMSG, "loading weights from \(path)")) { try b.load(path: path) }
        // a different shape
        let other = try LSTMNetwork(shape: LSTMShape(layers: 1, inputSize: 4, hiddenSize: 8, outputSize: 3, sequenceLength: 5, maxBatch: 2), seed: 3)
        try other.save(path: path)
        #expect(throws: LSTMError(CLSTM_ESHAPE, "loading weights from \(path)")) { try b.load(path: path) }
        // missing file
        #expect(throws: LSTMError(CLSTM_EIO, "loading weights from \(path).none")) { try b.load(path: path + ".none") }
        // a rejected load leaves the weights as they were
        #expect(a.parameters == b.parameters)
    }

    @Test func trainingIsDeterministicAndReducesLoss() throws {
        let shape = LSTMShape(layers: 1, inputSize: 1, hiddenSize: 16, outputSize: 3, sequenceLength: 12, maxBatch: 16)
        func train() throws -> (first: Float, last: Float, params: [Float]) {
            let net = try LSTMNetwork(shape: shape, seed: 5)
            var first: Float = 0, last: Float = 0
            var y = [Float](), dy = [Float]()
            for step in 0..<150 {
                // sequences of a sine wave at random phases; predict the next value at 3 quantiles
                var x = [Float](repeating: 0, count: 12 * 16), target = [Float](repeating: 0, count: 16)
                for b in 0..<16 {
                    let phase = Double((step * 16 + b) % 37) * 0.3
                    for t in 0..<12 { x[t * 16 + b] = Float(sin(phase + Double(t) * 0.5)) }
                    target[b] = Float(sin(phase + 12 * 0.5))
                }
                try net.forwardTrain(x, batch: 16, into: &y)
                let l = pinballLoss(outputs: y, targets: target, batch: 16, horizon: 1, quantiles: [0.1, 0.5, 0.9], gradient: &dy)
                try net.backward(dy)
                net.clipGradients(maxNorm: 1)
                try net.adamStep(AdamSettings(learningRate: 1e-2))
                if step == 0 { first = l }
                last = l
            }
            return (first, last, net.parameters)
        }
        let a = try train(), b = try train()
        #expect(a.last < a.first * 0.3, "loss \(a.first) -> \(a.last)")
        #expect(a.params == b.params)
    }
}
