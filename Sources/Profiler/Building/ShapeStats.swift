import Traffic

/// Everything observed for one route shape (a path after value segments became parameters).
///
/// `count`, `methodCounts` and the status counts are complete only after
/// ``ShapeCounters/fold(into:)``: during ingestion most of them live in ``ShapeCounters``.
struct ShapeStats {
    struct Parameter {
        var segment: Int
        var name: String
        var kind: SegmentKind
        var values: ValueSketch
    }

    var count = 0
    var methodCounts: [Int] = []
    var statusCodes: [Int32] = []
    var statusCodeCounts: [Int] = []
    var requestBytes = LogHistogram()
    var responseBytes = LogHistogram()
    var latency = LogHistogram(scale: 1e6)
    var queryKeyCounts: [Int32: Int] = [:]
    var queryValues: [Int32: ValueSketch] = [:]
    var parameters: [Parameter] = []
    var contentTypes: [String: Int] = [:]
    var examples: [String] = []
    var seriesDropped = false

    /// Counts a status code `weight` times (routes see few distinct codes: a linear scan beats
    /// hashing). The hot path counts most codes in ``ShapeCounters``; these are the rest.
    mutating func countStatus(_ status: Int, weight: Int = 1) {
        let code = Int32(truncatingIfNeeded: status)
        for i in 0..<statusCodes.count where statusCodes[i] == code {
            statusCodeCounts[i] += weight
            return
        }
        statusCodes.append(code)
        statusCodeCounts.append(weight)
    }

    var statusCounts: [Int: Int] {
        var result: [Int: Int] = [:]
        for i in 0..<statusCodes.count { result[Int(statusCodes[i]), default: 0] += statusCodeCounts[i] }
        return result
    }

    init(parameters: [RouteTemplater.Parameter], valueCapacity: Int) {
        self.parameters = parameters.map { Parameter(segment: $0.segment, name: $0.name, kind: $0.kind, values: ValueSketch(capacity: valueCapacity)) }
    }
}
