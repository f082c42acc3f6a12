import ArgumentParser
import Testing
@testable import shadowcast
@testable import Shadowcast

@Suite("--threshold on load and run")
struct ThresholdOptionsTests {
    @Test("a failed threshold exits with code 99; passing ones return their outcomes")
    func exitCode() throws {
        let options = try ThresholdOptions.parse(["--threshold", "p99<200ms", "--threshold", "errors<1%"])
        let good = ThresholdMetrics(p99Ms: 120, errorRate: 0.001)
        #expect(try options.check(good, quietStandardOutput: true).allSatisfy(\.passed))
        let slow = ThresholdMetrics(p99Ms: 250, errorRate: 0.001)
        #expect(throws: ExitCode(99)) { try options.check(slow, quietStandardOutput: true) }
    }

    @Test("load and run accept --threshold and refuse a malformed one")
    func verbsAcceptThresholds() throws {
        let load = try LoadCommand.parse(["http://127.0.0.1:8080/", "--threshold", "p99<50ms"])
        #expect(load.thresholds.thresholds.map(\.expression) == ["p99<50ms"])
        let run = try RunCommand.parse(["p.json", "--target", "http://127.0.0.1:8080", "--threshold", "errors<1%"])
        #expect(run.thresholds.thresholds.count == 1)
        #expect(throws: (any Error).self) { try LoadCommand.parse(["http://127.0.0.1:8080/", "--threshold", "p99<<5"]) }
    }
}
