import CLSTM
import Foundation
import Testing
@testable import Forecast

/// The opt-in int16 inference path (`CLSTM_PRECISION_INT16`): int16 recurrent weights with a scale
/// per gate row, h quantised to int16 at every step (scale 2^14), everything else fp32.
///
/// Error bound used below: weights uniform in ±0.5 (±0.4 for the refresh test), inputs in ±1. The
/// measured max abs difference from the fp32 forward (2026-12-07) was 1.2e-5 to 1.8e-4 on these
/// shapes (the largest at H = 64, where ±0.5 weights drive the gates hard), ~1e-5 in the refresh
/// test, 6.8e-6 (log1p scale) for the forecaster. One step's error is ~sqrt(H) quantisation
/// steps of h (2^-14) and of the weights (per-row scale, ~13-15 bits here); the forget gate keeps it
/// from growing over the steps. The tests allow 1e-3 (forecaster: 1e-3 on the log1p scale).
@Suite struct CLSTMInt16Tests {
    static let tolerance: Float = 1e-3

    struct Case: CustomTestStringConvertible, Sendable {
        var layers, input, hidden, steps, batch: Int
        var isa: clstm_isa
        var testDescription: String { "L\(layers) I\(input) H\(hidden) T\(steps) B\(batch) isa \(isa.rawValue)" }
        var shape: LSTMShape {
            LSTMShape(layers: layers, inputSize: input, hiddenSize: hidden, outputSize: 3, sequenceLength: steps, maxBatch: batch)
        }
    }

    static let cases: [Case] = ([CLSTM_ISA_PORTABLE] + CLSTMFusedKernelTests.fusedISAs).flatMap { isa in
        [
            Case(layers: 1, input: 8, hidden: 64, steps: 48, batch: 7, isa: isa),  // the benchmark H, one tile + 1 row
            Case(layers: 2, input: 5, hidden: 13, steps: 20, batch: 3, isa: isa),  // H odd (a zero k pair), H % 8 = 5
            Case(layers: 3, input: 1, hidden: 18, steps: 12, batch: 1, isa: isa),  // 3 layers, H % 8 = 2, one sequence
        ]
    }

    static func input(_ shape: LSTMShape, batch: Int, seed: UInt64) -> [Float] {
        var r = TestRandom(state: seed)
        return (0..<(shape.sequenceLength * batch * shape.inputSize)).map { _ in Float(r.uniform(1)) }
    }

    static func maxAbsDiff(_ a: [Float], _ b: [Float]) -> Float {
        zip(a, b).map { abs($0 - $1) }.max() ?? 0
    }

    @Test(arguments: cases)
    func int16ForwardFollowsFP32(_ c: Case) throws {
        let net = try LSTMNetwork(shape: c.shape, seed: 7, isa: c.isa)
        CLSTMFusedKernelTests.randomize(net, seed: 11, scale: 0.5)
        let x = Self.input(c.shape, batch: c.batch, seed: 13)
        #expect(net.inferencePrecision == .fp32)
        let fp32 = try net.forward(x, batch: c.batch)
        try net.setInferencePrecision(.int16)
        #expect(net.inferencePrecision == .int16)
        let int16 = try net.forward(x, batch: c.batch)
        let err = Self.maxAbsDiff(fp32, int16)
        #expect(err <= Self.tolerance, "max abs difference \(err)")
        #expect(int16 != fp32, "int16 path was not used")  // quantisation changes some low bits
        // back to fp32: the fp32 outputs, bit for bit
        try net.setInferencePrecision(.fp32)
        #expect(try net.forward(x, batch: c.batch) == fp32)
    }

    @Test(arguments: [CLSTM_ISA_PORTABLE] + CLSTMFusedKernelTests.fusedISAs)
    func int16CopyFollowsEveryWeightChange(isa: clstm_isa) throws {
        let shape = LSTMShape(layers: 2, inputSize: 3, hiddenSize: 12, outputSize: 2, sequenceLength: 10, maxBatch: 6)
        let net = try LSTMNetwork(shape: shape, seed: 3, isa: isa)
        CLSTMFusedKernelTests.randomize(net, seed: 5, scale: 0.4)
        let x = Self.input(shape, batch: 6, seed: 9)
        try net.setInferencePrecision(.int16)
        let before = try net.forward(x, batch: 6)

        func fp32Forward() throws -> [Float] {
            try net.setInferencePrecision(.fp32)
            defer { try? net.setInferencePrecision(.int16) }
            return try net.forward(x, batch: 6)
        }
        func expectFollows(_ what: String, changedFrom old: [Float]) throws -> [Float] {
            let q = try net.forward(x, batch: 6)
            let f = try fp32Forward()
            #expect(Self.maxAbsDiff(q, f) <= Self.tolerance, "\(what): int16 vs fp32 \(Self.maxAbsDiff(q, f))")
            #expect(Self.maxAbsDiff(q, old) > 5e-3, "\(what): int16 output did not change")
            return q
        }

        // one training step with a large learning rate
        var y = [Float](), dy = [Float]()
        try net.forwardTrain(x, batch: 6, into: &y)
        _ = pinballLoss(outputs: y, targets: [Float](repeating: 1, count: 6 * 2), batch: 6, horizon: 2, quantiles: [0.5], gradient: &dy)
        try net.backward(dy)
        try net.adamStep(AdamSettings(learningRate: 0.05))
        let afterStep = try expectFollows("after an Adam step", changedFrom: before)

        // weights written through `parameters`
        let saved = net.serialized()
        net.parameters = net.parameters.map { $0 * 0.5 }
        let afterSet = try expectFollows("after setting parameters", changedFrom: afterStep)

        // weights loaded
        try net.load(serialized: saved)
        let afterLoad = try expectFollows("after loading weights", changedFrom: afterSet)
        #expect(afterLoad == afterStep)
    }

    /// Rows split across worker threads (each worker has its own h_q buffers): same outputs, int16
    /// and (where the CPU runs it) int8.
    @Test(arguments: [LSTMInferencePrecision.int16] + (Int8Support.available ? [.int8] : []))
    func quantisedRowsDoNotDependOnTheThreadSplit(_ precision: LSTMInferencePrecision) throws {
        let shape = LSTMShape(layers: 2, inputSize: 4, hiddenSize: 20, outputSize: 2, sequenceLength: 9, maxBatch: 17)
        let x = Self.input(shape, batch: 17, seed: 21)
        func run(threads: Int) throws -> [Float] {
            let net = try LSTMNetwork(shape: shape, seed: 4, threads: threads)
            CLSTMFusedKernelTests.randomize(net, seed: 8, scale: 0.4)
            try net.setInferencePrecision(precision)
            return try net.forward(x, batch: 17)
        }
        let one = try run(threads: 1)
        #expect(try run(threads: 3) == one)
        #expect(try run(threads: 2) == one)
    }

    @Test func badArgumentsAreRejected() throws {
        #expect(clstm_set_inference_precision(nil, CLSTM_PRECISION_INT16) == CLSTM_EINVAL)
        #expect(clstm_inference_precision(nil) == CLSTM_PRECISION_FP32)
        let shape = LSTMShape(layers: 1, inputSize: 2, hiddenSize: 4, outputSize: 1, sequenceLength: 3, maxBatch: 2)
        let net = try LSTMNetwork(shape: shape, seed: 1)
        #expect(clstm_set_inference_precision(net.ctx, clstm_precision(rawValue: 7)) == CLSTM_EINVAL)
        #expect(clstm_set_inference_precision(net.ctx, clstm_precision(rawValue: UInt32.max)) == CLSTM_EINVAL)
        #expect(net.inferencePrecision == .fp32)  // unchanged by the rejected calls
        try net.setInferencePrecision(.int16)
        #expect(clstm_set_inference_precision(net.ctx, clstm_precision(rawValue: 3)) == CLSTM_EINVAL)
        #expect(net.inferencePrecision == .int16)
        // a bad batch is still rejected on the int16 path
        #expect(throws: LSTMError(CLSTM_EINVAL, "input of 6 floats for batch 3, shape \(shape)")) {
            try net.forward([Float](repeating: 0, count: 6), batch: 3)
        }
        #expect(clstm_forward(net.ctx, nil, 1, nil) == CLSTM_EINVAL)
    }

    /// Trains the forecaster twice on a traffic-like series, fp32 and with `precision`, and returns the
    /// largest difference between their forecasts on the log1p scale (three origins, 12 steps, three
    /// quantiles). Checks that training is the same (fp32 either way) and that the option was used.
    static func forecasterDifference(_ precision: LSTMInferencePrecision) throws -> Double {
        let s = SyntheticSeries.trafficLike(days: 14, seed: 4)
        let ctx = SeriesContext(series: s)
        var settings = SyntheticSeries.fastSettings(steps: 30)
        #expect(settings.inferencePrecision == .fp32)  // the default
        let n = s.values.count
        func train() throws -> LSTMForecaster {
            let t = try LSTMForecaster.train(series: [ctx], trainEnd: [n - 24], season: 24, horizon: 12,
                                             quantiles: [0.1, 0.5, 0.9], settings: settings)
            return try #require(t.model, "\(t.reason)")
        }
        let fp32 = try train()
        settings.inferencePrecision = precision
        let other = try train()
        #expect(other.weights == fp32.weights)  // training is fp32 whatever the option
        var worst = 0.0
        for origin in [n - 24, n - 12, n] {
            let a = try fp32.forecastOrThrow(ctx, seriesIndex: 0, origin: origin, horizon: 12, quantiles: [0.1, 0.5, 0.9])
            let b = try other.forecastOrThrow(ctx, seriesIndex: 0, origin: origin, horizon: 12, quantiles: [0.1, 0.5, 0.9])
            #expect(a != b, "\(precision) path was not used")
            for (ra, rb) in zip(a, b) { for (va, vb) in zip(ra, rb) { worst = max(worst, abs(va - vb)) } }
        }
        return worst
    }

    /// The forecaster option: forecasts on the log1p scale within 1e-3 of the fp32 ones (measured 6.8e-6).
    @Test func forecasterInt16OptionStaysCloseToFP32() throws {
        let worst = try Self.forecasterDifference(.int16)
        #expect(worst <= 1e-3, "max log1p-scale difference \(worst)")
    }
}

/// The context keeps its worker threads between calls (workers.c): calls with different thread
/// counts and batch sizes, inference and training interleaved, give what one thread gives.
@Suite struct CLSTMWorkerPoolTests {
    @Test func repeatedCallsWithChangingThreadCountsMatchOneThread() throws {
        let shape = LSTMShape(layers: 2, inputSize: 3, hiddenSize: 20, outputSize: 2, sequenceLength: 7, maxBatch: 40)
        let x = CLSTMInt16Tests.input(shape, batch: 40, seed: 31)
        let reference = try LSTMNetwork(shape: shape, seed: 6, threads: 1)
        CLSTMFusedKernelTests.randomize(reference, seed: 2, scale: 0.4)
        let net = try LSTMNetwork(shape: shape, seed: 6, threads: 3)
        net.parameters = reference.parameters
        for (call, batch) in [40, 13, 1, 7, 40, 25, 6, 40].enumerated() {
            net.setThreads([3, 2, 4, 1, 2, 3, 3, 2][call])
            // x is [T][B][I]: the first `batch` rows of every step
            let width = 40 * shape.inputSize, used = batch * shape.inputSize
            var sub = [Float]()
            for t in 0..<shape.sequenceLength { sub += x[(t * width)..<(t * width + used)] }
            let got = try net.forward(sub, batch: batch)
            let want = try reference.forward(sub, batch: batch)
            #expect(got == want, "call \(call), batch \(batch)")
            if call % 3 == 0 {  // a training forward in between uses the same workers
                var y = [Float]()
                try net.forwardTrain(sub, batch: batch, into: &y)
            }
        }
    }
}
