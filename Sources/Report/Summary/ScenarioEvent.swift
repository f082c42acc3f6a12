/// Something the scenario did at a point of the run (flash sale start, ramp, pause…).
public struct ScenarioEvent: Codable, Sendable, Equatable {
    /// Seconds since the run started.
    public var t: Double
    /// Short name shown on the charts, e.g. `flash sale`.
    public var name: String
    /// Longer description.
    public var detail: String

    /// Creates an event.
    public init(t: Double, name: String, detail: String = "") {
        self.t = t
        self.name = name
        self.detail = detail
    }
}
