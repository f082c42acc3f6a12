import CLSTM
import Testing
@testable import Forecast

/// The 512-bit forward (CSources/CLSTM/recurrent_avx512.c) against the AVX2 one it widens: the same
/// operations per output lane in the same order, so inference outputs must be equal bit for bit, in
/// fp32 and in int16 (VNNI's fused pair sums are exact integer sums, like vpmaddwd + vpaddd).
/// Training stores its activated gates through a reciprocal estimate of another precision, so the
/// gradients agree to rounding. Runs where the CPU has AVX-512.
@Suite(.enabled(if: CLSTMFusedKernelTests.runs(CLSTM_ISA_AVX512) && CLSTMFusedKernelTests.runs(CLSTM_ISA_AVX2)))
struct CLSTMWideKernelTests {
    static let cases: [CLSTMFusedKernelTests.Case] = CLSTMFusedKernelTests.cases + [
        // H = 20: five 4-unit panels (one pass of two panels left over a single one), H % 16 = 4
        CLSTMFusedKernelTests.Case(layers: 2, input: 3, hidden: 20, output: 2, steps: 9, batch: 11, threads: 2),
        // H = 33: odd, an int16 k pair with a zero half, a 1-lane tail in the 16-wide gate sweep
        CLSTMFusedKernelTests.Case(layers: 1, input: 2, hidden: 33, output: 1, steps: 5, batch: 6, threads: 1),
    ]

    func pair(_ c: CLSTMFusedKernelTests.Case) throws -> (wide: LSTMNetwork, avx2: LSTMNetwork) {
        let wide = try LSTMNetwork(shape: c.shape, seed: 3, threads: c.threads, isa: CLSTM_ISA_AVX512)
        let avx2 = try LSTMNetwork(shape: c.shape, seed: 3, threads: c.threads, isa: CLSTM_ISA_AVX2)
        CLSTMFusedKernelTests.randomize(wide, seed: 19, scale: 0.6)
        avx2.parameters = wide.parameters
        #expect(wide.activeISA == CLSTM_ISA_AVX512 && avx2.activeISA == CLSTM_ISA_AVX2)
        return (wide, avx2)
    }

    @Test(arguments: cases)
    func inferenceEqualsAVX2BitForBit(_ c: CLSTMFusedKernelTests.Case) throws {
        let (wide, avx2) = try pair(c)
        let x = CLSTMTests.makeInput(c.shape, batch: c.batch, seed: 31)
        let y = try wide.forward(x, batch: c.batch)
        #expect(y == (try avx2.forward(x, batch: c.batch)))
        try wide.setInferencePrecision(.int16)
        try avx2.setInferencePrecision(.int16)
        let yq = try wide.forward(x, batch: c.batch)
        #expect(yq == (try avx2.forward(x, batch: c.batch)))
        #expect(yq != y, "the int16 path was not used")
    }

    @Test(arguments: cases)
    func trainingAgreesWithAVX2(_ c: CLSTMFusedKernelTests.Case) throws {
        let (wide, avx2) = try pair(c)
        let x = CLSTMTests.makeInput(c.shape, batch: c.batch, seed: 37)
        var r = TestRandom(state: 41)
        let dy = (0..<(c.batch * c.output)).map { _ in Float(r.uniform(1.0)) }
        var yw = [Float](), ya = [Float]()
        try wide.forwardTrain(x, batch: c.batch, into: &yw)
        try avx2.forwardTrain(x, batch: c.batch, into: &ya)
        #expect(yw == ya, "training outputs (h and c, not the stored gates) are computed as inference's")
        try wide.backward(dy)
        try avx2.backward(dy)
        for d in CLSTMFusedKernelTests.gradientDifferences(wide, reference: avx2) {
            #expect(d.norm > 0, "\(d.tensor) has zero gradient")
            #expect(d.relative < 1e-5, "\(c.testDescription) \(d.tensor): relative difference \(d.relative)")
        }
    }
}
