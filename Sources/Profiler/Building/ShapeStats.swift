import Traffic

/// Everything observed for one route shape (a path after value segments became parameters).
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

    /// Counts a status code (routes see few distinct codes: a linear scan beats hashing).
    @inline(__always)
    mutating func countStatus(_ status: Int) {
        let code = Int32(truncatingIfNeeded: status)
        for i in 0..<statusCodes.count where statusCodes[i] == code {
            statusCodeCounts[i] += 1
            return
        }
        statusCodes.append(code)
        statusCodeCounts.append(1)
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
