import Foundation
import Shadowcast

extension EmissionWarmup {
    /// The text reports' warm-up line (`load`, `run`): how long, how it was paced (e.g. " at the
    /// target rate"; empty when it needs no saying), and what it sent, apart from the run's figures.
    func textLine(pacing: String = "") -> String {
        String(format: "  warm-up %.2fs", seconds) + pacing
            + String(format: " before the clock (not in the figures below): %llu sent, %llu answered, %llu late, %llu errors\n",
                     sent, completed, late, errors)
    }
}
