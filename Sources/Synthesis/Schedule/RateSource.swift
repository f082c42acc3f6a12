/// Which part of the profile the arrival rate follows (printed by `shadowcast run`).
public enum RateSource: Sendable, Equatable, CustomStringConvertible {
    /// The forecast section at a quantile level.
    case forecastQuantile(model: String, quantile: Double)
    /// A sampled path between the forecast's quantiles.
    case forecastSampledPath(model: String)
    /// The observed history, replayed step by step (cycled when the run is longer).
    case history
    /// The hour-of-day mix times the observed mean rate, from the hour after the history ends.
    case timeOfDay
    /// The observed mean rate, flat.
    case constant

    public var description: String {
        switch self {
        case let .forecastQuantile(model, quantile): return "forecast (\(model)) at quantile \(quantile)"
        case let .forecastSampledPath(model): return "forecast (\(model)), sampled path between quantiles"
        case .history: return "observed history (no forecast in the profile)"
        case .timeOfDay: return "time-of-day shape × observed mean rate (no forecast in the profile)"
        case .constant: return "observed mean rate, flat (no forecast or history shape in the profile)"
        }
    }
}
