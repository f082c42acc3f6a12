/// A fault rule ready for rendering: its kind, size parameter, emitter flags and result route.
struct CompiledFault: Sendable, Equatable {
    var kind: FaultKind
    /// Padding size (`oversized-headers`) or extra claimed bytes (`wrong-content-length`).
    var bytes: Int
    /// Emitter flags (`EmitterFlags`), 0 for byte-level faults.
    var flags: UInt32
    /// Route id the faulted requests are recorded under.
    var route: UInt32
    var probability: Double
    /// `probability` as a ``RequestRandom/chance(_:)`` threshold.
    var threshold: UInt64
    var windowStart: Double?
    var windowEnd: Double?

    init(rule: FaultRule, route: UInt32) {
        kind = rule.kind
        self.route = route
        probability = max(0, min(1, rule.probability))
        threshold = probabilityThreshold(probability)
        windowStart = rule.windowStart
        windowEnd = rule.windowStart.map { $0 + (rule.windowDuration ?? .infinity) }
        switch rule.kind {
        case .oversizedHeaders:
            bytes = max(64, rule.bytes ?? 65536)
            flags = 0
        case .wrongContentLength:
            bytes = max(1, rule.bytes ?? 16)
            flags = 0
        case .slowSend:
            bytes = 0
            let milliseconds = UInt32(max(1, min(65535, ((rule.dripSeconds ?? 5) * 1000).rounded())))
            flags = EmitterFlags.drip | (milliseconds << EmitterFlags.parameterShift)
        case .reset:
            bytes = 0
            flags = EmitterFlags.reset
        case .abandon:
            bytes = 0
            flags = EmitterFlags.abandon
        case .badHeaderLine, .truncatedBody:
            bytes = 0
            flags = 0
        }
    }

    @inline(__always)
    func isActive(at t: Double) -> Bool {
        guard let windowStart else { return true }
        return t >= windowStart && t < (windowEnd ?? .infinity)
    }
}
