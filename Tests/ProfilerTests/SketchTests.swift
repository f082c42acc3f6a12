import Testing
@testable import Profiler

@Suite("Sketches")
struct SketchTests {
    @Test("log histogram quantiles within 2% of exact order statistics")
    func histogram() {
        var histogram = LogHistogram()
        var values: [Double] = []
        var state: UInt64 = 42
        for _ in 0..<20_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let v = Double(state >> 40 % 1_000_000) + Double((state >> 11) % 500)
            values.append(v)
            histogram.record(v)
        }
        values.sort()
        for p in [0.1, 0.5, 0.9, 0.99] {
            let exact = values[Int(p * Double(values.count - 1))]
            #expect(abs(histogram.quantile(p) - exact) <= 0.02 * exact + 1, "p\(p)")
        }
        #expect(histogram.quantile(0) == values.first && histogram.quantile(1) == values.last)
        var merged = LogHistogram()
        merged.merge(histogram)
        merged.merge(histogram)
        #expect(merged.count == 40_000 && abs(merged.quantile(0.5) - histogram.quantile(0.5)) <= 0.02 * histogram.quantile(0.5))
    }

    @Test("value sketch keeps the heavy hitters and estimates distinct values")
    func values() {
        var sketch = ValueSketch(capacity: 40)
        for i in 0..<5_000 { sketch.record("v\(i)") }          // long tail, once each
        for _ in 0..<3_000 { sketch.record("hot") }
        for _ in 0..<1_000 { sketch.record("warm") }
        let model = sketch.model(limit: 5)
        #expect(model.top.first?.value == "hot" && model.top.first?.count == 3_000)
        #expect(model.top.dropFirst().first?.value == "warm")
        #expect(abs(Double(model.distinctEstimate) - 5_002) / 5_002 < 0.08)
        #expect(model.count == 9_000)
    }

    @Test("Zipf exponent recovers s from ideal frequencies")
    func zipf() {
        let ranked = (1...50).map { 10_000 / pow(Double($0), 1.3) }
        #expect(abs((ValueSketch.zipfExponent(ranked) ?? 0) - 1.3) < 1e-6)
    }
}

#if canImport(Glibc)
import Glibc
#endif
