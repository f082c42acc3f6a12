import Shadowcast

extension EmissionResult {
    /// The result with the requests a paced schedule counted late without rendering them added
    /// to `late`, in total and per route (route ids are the schedule's, the same as the
    /// emitter's). The emitter never saw those requests; adding them here keeps every
    /// scheduled request of this shard accounted for as sent or late in the text, the JSON, the
    /// HTML report and the thresholds alike.
    func countingSkippedLate(_ stats: SynthesisStats) -> EmissionResult {
        guard stats.skippedLate > 0 else { return self }
        var result = self
        result.late += UInt64(stats.skippedLate)
        for (route, skipped) in stats.skippedLatePerRoute.enumerated() where skipped > 0 {
            // The emitter records route ids beyond its list under the last route; do the same.
            guard !result.routes.isEmpty else { break }
            let index = min(route, result.routes.count - 1)
            result.routes[index].late += UInt64(skipped)
        }
        return result
    }
}
