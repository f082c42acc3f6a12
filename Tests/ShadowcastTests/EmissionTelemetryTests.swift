import Testing
@testable import Emission
import Shadowcast
import Synthesis
import Telemetry

@Suite("Live run metrics from the emitter and the producer")
struct EmissionTelemetryTests {
    @Test("late sends include the requests the paced producer counted late without rendering")
    func lateIncludesSkipped() {
        let snapshot = EmissionSnapshot(
            elapsedSeconds: 2, sent: 900, completed: 880, late: 40, errors: EmissionErrorCounts(),
            intervalCompleted: 440, intervalSent: 450, intervalErrors: 0, intervalSeconds: 1, intervalMeanLatencyMicros: 250)
        var stats = SynthesisStats(routes: 1)
        stats.requests = 900
        stats.skippedLate = 1_100
        #expect(RunProgress(snapshot).late == 40)
        #expect(RunProgress(snapshot, faults: stats).late == 1_140)
        #expect(RunProgress(snapshot, faults: stats).sent == 900)
    }
}
