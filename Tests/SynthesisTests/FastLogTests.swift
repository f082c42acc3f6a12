import Foundation
@testable import Synthesis
import Testing

@Suite("Fast logarithm")
struct FastLogTests {
    @Test("fastLog matches log to 1e-10 over (0, 1] and above")
    func matchesLibm() {
        var worst = 0.0
        var x = 0x1.0p-53
        while x < 1e6 {
            for scale in [1.0, 1.0000001, 1.2, 1.41421356, 1.4142136, 1.7, 1.9999999] {
                let value = x * scale
                worst = max(worst, abs(fastLog(value) - log(value)))
            }
            x *= 2
        }
        #expect(worst < 1e-10)
        #expect(fastLog(1) == 0)
    }
}
