import Autoscale

/// What one step of the predictive loop measured, predicted, played and scaled.
public struct PredictiveStepRecord: Sendable, Equatable, Codable {
    /// A scaling decision that changed the replica count.
    public struct Scaling: Sendable, Equatable, Codable {
        /// Replicas before.
        public var from: Int
        /// Replicas asked for.
        public var to: Int
        /// The policy's reason.
        public var reason: String
        /// Hooks that failed (name: message); empty when all succeeded.
        public var failedHooks: [String]
    }

    /// Step number, from 1.
    public var step: Int
    /// Seconds since the loop started, at the end of the step.
    public var time: Double
    /// Request rate the proxy saw during the step (req/s); `nil` without a live feed.
    public var actualRate: Double?
    /// The rate predicted for this step `predict-ahead` earlier (predicted vs actual); `nil`
    /// when no forecast existed then.
    public var predictedRate: Double?
    /// The rate predicted now for `time + predict-ahead` (median).
    public var predictedAheadRate: Double?
    /// The upper quantile of that prediction.
    public var predictedAheadUpperRate: Double?
    /// Synthetic rate sent to the secondary during the next step (predicted ahead minus actual,
    /// never negative); 0 when nothing is played.
    public var syntheticRate: Double
    /// Synthetic requests answered during the previous step's run (the run this step waited for).
    public var syntheticAnswered: Int
    /// Synthetic requests of that run that failed (connect, timeout, reset, parse).
    public var syntheticErrors: Int
    /// Synthetic requests of that run sent late or, already late when synthesized, not sent
    /// (the box could not keep the pace).
    public var syntheticLate: Int
    /// Replicas after this step's autoscaling.
    public var replicas: Int
    /// The scaling decision of this step, when it changed the replica count.
    public var scaling: Scaling?
    /// What the forecaster did (fitted, fine-tuned, …) or what went wrong with the synthetic run.
    public var note: String?
}
