import Foundation
@testable import Forecast

/// A straightforward double-precision LSTM (same parameter layout as CLSTM), used as the
/// reference for the forward check and for finite-difference gradients.
struct NaiveLSTMReference {
    let shape: LSTMShape
    /// Applied to h where the recurrent product reads it (the quantised inference paths); the
    /// layer's output and the head see h itself.
    var quantiseHidden: (Double) -> Double = { $0 }

    func forward(parameters p: [Double], x: [Double], batch B: Int) -> [Double] {
        let T = shape.sequenceLength, H = shape.hiddenSize, O = shape.outputSize
        var input = x  // [T][B][In]
        var inSize = shape.inputSize
        var offset = 0
        for _ in 0..<shape.layers {
            let wx = offset, wh = wx + 4 * H * inSize, bias = wh + 4 * H * H
            offset = bias + 4 * H
            var h = [Double](repeating: 0, count: B * H)
            var c = [Double](repeating: 0, count: B * H)
            var out = [Double](repeating: 0, count: T * B * H)
            for t in 0..<T {
                var hNew = h, cNew = c
                let hq = h.map(quantiseHidden)
                for b in 0..<B {
                    for j in 0..<H {
                        func gate(_ k: Int) -> Double {
                            let row = k * H + j
                            var s = p[bias + row]
                            for i in 0..<inSize { s += p[wx + row * inSize + i] * input[(t * B + b) * inSize + i] }
                            for i in 0..<H { s += p[wh + row * H + i] * hq[b * H + i] }
                            return s
                        }
                        let ig = 1 / (1 + exp(-gate(0))), fg = 1 / (1 + exp(-gate(1)))
                        let gg = tanh(gate(2)), og = 1 / (1 + exp(-gate(3)))
                        cNew[b * H + j] = fg * c[b * H + j] + ig * gg
                        hNew[b * H + j] = og * tanh(cNew[b * H + j])
                    }
                }
                h = hNew
                c = cNew
                for k in 0..<(B * H) { out[t * B * H + k] = h[k] }
            }
            input = out
            inSize = H
        }
        let w = offset, bias = w + O * H
        let last = (T - 1) * B * H
        var y = [Double](repeating: 0, count: B * O)
        for b in 0..<B {
            for o in 0..<O {
                var s = p[bias + o]
                for j in 0..<H { s += p[w + o * H + j] * input[last + b * H + j] }
                y[b * O + o] = s
            }
        }
        return y
    }
}

/// Deterministic pseudo-random numbers for tests.
struct TestRandom {
    var state: UInt64
    mutating func next() -> Double {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Double(state >> 11) / Double(1 << 53)
    }
    mutating func uniform(_ a: Double) -> Double { (2 * next() - 1) * a }
    mutating func normal() -> Double {
        let u = max(next(), 1e-12), v = next()
        return sqrt(-2 * log(u)) * cos(2 * .pi * v)
    }
}
