import Shadowcast

extension EmissionResult {
    /// The result with the requests a paced schedule counted late without rendering them added
    /// to `late`. The emitter never saw those requests; adding them here keeps every scheduled
    /// request of this shard accounted for as sent or late in the text, the JSON, the HTML
    /// report and the thresholds alike. (They are not drawn far enough to have a route, so the
    /// per-route `late` counts are the emitter's.)
    ///
    /// Likewise the warm-up's (`warmup`: its producer counts) are added to the warm-up's `late`.
    func countingSkippedLate(_ stats: SynthesisStats, warmup: SynthesisStats? = nil) -> EmissionResult {
        var result = self
        result.late += UInt64(max(0, stats.skippedLate))
        if let warmup, result.sendWarmup != nil { result.sendWarmup!.late += UInt64(max(0, warmup.skippedLate)) }
        return result
    }
}
