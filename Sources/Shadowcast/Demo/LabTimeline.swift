import Lab
import Monitor
import Report

/// Per-second samples of one Lab, read from its own `/metrics` exposition (in process, no
/// HTTP): rate, p50/p99 from the latency histogram's increments, error share, utilization.
struct LabTimeline: Sendable {
    /// The Lab's role in the report.
    let name: String
    private(set) var samples: [SecondSample] = []
    private(set) var saturation: [SaturationSample] = []
    private(set) var first: PrometheusScrape?
    private(set) var previous: PrometheusScrape?
    private var previousTime = 0.0
    private let window = PrometheusWindow()

    init(name: String) { self.name = name }

    /// Reads the Lab's metrics at run time `t` and appends the sample for `[previous, t)`.
    /// - Returns: the new sample, if there was a previous reading.
    @discardableResult
    mutating func read(_ lab: LabServer, at t: Double) -> SecondSample? {
        guard let scrape = try? PrometheusScrape.parse(lab.metricsText(), source: name) else { return nil }
        defer {
            previous = scrape
            previousTime = t
            if first == nil { first = scrape }
        }
        guard let before = previous, t > previousTime else { return nil }
        let seconds = t - previousTime
        let results = window.summary(before: before, after: scrape, seconds: seconds)
        let sample = SecondSample(
            t: previousTime, rate: Double(results.requests) / seconds,
            p50Ms: results.requests > 0 ? results.latencyMs.p50 : 0,
            p99Ms: results.requests > 0 ? results.latencyMs.p99 : 0,
            errorRate: results.errorRate)
        samples.append(sample)
        let busy = Self.delta("lab_busy_worker_seconds_total", before, scrape)
        let provisioned = Self.delta("lab_provisioned_worker_seconds_total", before, scrape)
        saturation.append(SaturationSample(
            time: previousTime, utilization: provisioned > 0 ? busy / provisioned : 0, p99Ms: sample.p99Ms))
        return sample
    }

    /// Everything between the first and the last reading.
    var whole: RunResults? {
        guard let first, let previous else { return nil }
        let span = samples.isEmpty ? 1 : samples.last!.t + 1 - samples.first!.t
        return window.summary(before: first, after: previous, seconds: max(span, 1))
    }

    private static func delta(_ name: String, _ before: PrometheusScrape, _ after: PrometheusScrape) -> Double {
        let a = before.samples(named: name).reduce(0) { $0 + $1.value }
        let b = after.samples(named: name).reduce(0) { $0 + $1.value }
        return max(0, b - a)
    }
}
