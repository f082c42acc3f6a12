/// Picks one value out of a scrape: the sum of the samples with `name` and all of `labels`.
public struct MetricSelector: Sendable, Hashable {
    /// Sample name.
    public var name: String
    /// Labels that must match.
    public var labels: [String: String]

    /// Creates a selector.
    public init(_ name: String, labels: [String: String] = [:]) {
        self.name = name
        self.labels = labels
    }

    /// Parses `name` or `name{label="value",…}`.
    public init(parsing text: String) throws(MonitorInputError) {
        let scrape = try PrometheusScrape.parse("\(text) 0", source: "selector '\(text)'", strict: true)
        guard let sample = scrape.samples.first else { throw MonitorInputError(source: text, message: "empty selector") }
        self.init(sample.name, labels: sample.labels)
    }

    /// The sum of matching samples, or `nil` when none match.
    public func value(in scrape: PrometheusScrape) -> Double? {
        let matches = scrape.samples(named: name, matching: labels)
        return matches.isEmpty ? nil : matches.reduce(0) { $0 + $1.value }
    }
}

/// Which series of a target's `/metrics` mean CPU, memory and utilization (configurable; the
/// defaults are the standard process collector's names and the Lab's utilization gauge).
public struct ResourceMetricNames: Sendable, Hashable {
    /// Cumulative CPU seconds.
    public var cpuSecondsTotal: MetricSelector?
    /// Resident memory in bytes.
    public var residentMemoryBytes: MetricSelector?
    /// Utilization, 0…1.
    public var utilization: MetricSelector?

    /// Creates the mapping.
    public init(
        cpuSecondsTotal: MetricSelector? = MetricSelector("process_cpu_seconds_total"),
        residentMemoryBytes: MetricSelector? = MetricSelector("process_resident_memory_bytes"),
        utilization: MetricSelector? = MetricSelector("lab_utilization")
    ) {
        self.cpuSecondsTotal = cpuSecondsTotal
        self.residentMemoryBytes = residentMemoryBytes
        self.utilization = utilization
    }

    /// Reads the three values from a scrape.
    public func read(_ scrape: PrometheusScrape, at time: Double) -> ResourceReading {
        ResourceReading(time: time, cpuSeconds: cpuSecondsTotal?.value(in: scrape),
                        memoryBytes: residentMemoryBytes?.value(in: scrape), utilization: utilization?.value(in: scrape))
    }
}

/// CPU, memory and utilization at one moment (from a scrape or from procfs).
public struct ResourceReading: Sendable, Hashable {
    /// Seconds (any fixed origin).
    public var time: Double
    /// Cumulative CPU seconds.
    public var cpuSeconds: Double?
    /// Resident memory, bytes.
    public var memoryBytes: Double?
    /// Utilization, 0…1.
    public var utilization: Double?

    /// Creates a reading.
    public init(time: Double, cpuSeconds: Double?, memoryBytes: Double?, utilization: Double?) {
        self.time = time
        self.cpuSeconds = cpuSeconds
        self.memoryBytes = memoryBytes
        self.utilization = utilization
    }

    /// CPU cores used on average between `earlier` and this reading.
    public func cpuCores(since earlier: ResourceReading) -> Double? {
        guard let now = cpuSeconds, let then = earlier.cpuSeconds, time > earlier.time else { return nil }
        return (now - then) / (time - earlier.time)
    }
}
