/// A series of values at a fixed time step (e.g. requests per 5 minutes).
public struct TimeSeries: Sendable, Equatable, Codable {
    /// A name for reports ("total", a route template, a file name).
    public var name: String
    /// Unix time (seconds, UTC) of the first value.
    public var start: Double
    /// Seconds between consecutive values.
    public var step: Double
    /// The values; missing steps have been filled (see `filled`).
    public var values: [Double]
    /// Indices of values that were missing in the input and filled by interpolation.
    public var filled: [Int]

    public init(name: String, start: Double, step: Double, values: [Double], filled: [Int] = []) {
        self.name = name
        self.start = start
        self.step = step
        self.values = values
        self.filled = filled
    }

    /// Number of values.
    public var count: Int { values.count }

    /// Unix time of value `index` (which may lie past the end).
    public func time(at index: Int) -> Double { start + Double(index) * step }
}
