import Foundation

/// What `shadowcast demo` (and ``DemoPipeline``) does: how much sample traffic to generate, how
/// long to train, how long and how hard to drive the two Labs.
///
/// Rates are fractions of one secondary instance's configured capacity, so the story (the
/// secondary saturates in the flash sale unless the predictive autoscaler adds instances)
/// holds whatever the Lab spec's numbers are, and every rate stays far below what two cores
/// can emit.
public struct DemoConfiguration: Sendable, Equatable {
    /// Where the report, `summary.json` and `data/` go (the report folder itself).
    public var outputDirectory: URL
    /// Seed of the sample log, the Labs and synthesis.
    public var seed: UInt64 = 42
    /// Days of sample history to profile and forecast from.
    public var historyDays = 7
    /// Average sample sessions per second (before the past flash sale).
    public var sessionsPerSecond = 0.1
    /// History step of the profile and forecast, seconds.
    public var stepSeconds: Double = 900
    /// The "next period" the forecast covers and the secondary run plays, profile seconds.
    public var horizonSeconds: Double = 86_400
    /// Wall-clock budget of LSTM training, seconds.
    public var trainingBudgetSeconds: Double = 20
    /// LSTM training steps (the budget stops it earlier if needed).
    public var trainingSteps = 300
    /// LSTM hidden size.
    public var hiddenSize = 32
    /// Backtest origins per candidate model.
    public var backtestOrigins = 2
    /// Length of the live part (replay + synthetic load), seconds.
    public var runSeconds: Double = 90
    /// Workers per Lab instance (scales every rate of the demo).
    public var workersPerInstance = 4
    /// Primary Lab instances.
    public var primaryInstances = 4
    /// Secondary Lab instances at the start.
    public var secondaryInstances = 1
    /// Most secondary instances the autoscaler may start.
    public var maxSecondaryInstances = 5
    /// Replayed (and so mirrored) rate, as a fraction of one instance's capacity.
    public var replayLoad = 0.3
    /// Mean synthetic forecast rate sent to the secondary (before the flash sale), as a
    /// fraction of one instance's capacity.
    public var syntheticLoad = 0.35
    /// Rate multiplier of the flash sale at its peak.
    public var flashSaleMultiplier = 5.0
    /// How far ahead the predictive autoscaler provisions, seconds of run time.
    public var scalingLeadSeconds: Double = 4
    /// How long a new secondary instance takes to start taking requests, seconds (as in a
    /// cloud; well beyond the lead time, so the flash sale's onset outruns the scale-up and the
    /// secondary saturates for several seconds before the new instances take requests).
    public var instanceStartSeconds: Double = 12
    /// Whether to inject a few faults into the secondary's synthetic traffic.
    public var faults = true
    /// Whether to print live progress to standard error.
    public var progress = true

    /// The full demo (about three minutes on two cores, release build).
    public init(outputDirectory: URL) {
        self.outputDirectory = outputDirectory
    }

    /// A much shorter run for tests: two days of sparse history, a small model, ~12 s of load.
    public static func quick(outputDirectory: URL) -> DemoConfiguration {
        var c = DemoConfiguration(outputDirectory: outputDirectory)
        c.historyDays = 2
        c.sessionsPerSecond = 0.02
        c.stepSeconds = 1_800
        c.trainingBudgetSeconds = 2
        c.trainingSteps = 20
        c.hiddenSize = 8
        c.backtestOrigins = 1
        c.runSeconds = 12
        c.workersPerInstance = 2
        c.primaryInstances = 3
        c.scalingLeadSeconds = 1
        c.instanceStartSeconds = 2
        return c
    }

    /// Checks the numbers are usable.
    public func validate() throws(DemoError) {
        guard historyDays >= 2 else { throw DemoError.invalid("history days must be at least 2, got \(historyDays)") }
        guard sessionsPerSecond > 0 else { throw DemoError.invalid("sessions per second must be positive") }
        guard stepSeconds >= 60, horizonSeconds >= stepSeconds else {
            throw DemoError.invalid("step must be >= 60 s and the horizon at least one step")
        }
        guard runSeconds >= 5 else { throw DemoError.invalid("the run must last at least 5 s, got \(runSeconds)") }
        guard workersPerInstance >= 1, primaryInstances >= 1, secondaryInstances >= 1,
              maxSecondaryInstances >= secondaryInstances else {
            throw DemoError.invalid("instance counts must be >= 1 and max secondary >= initial secondary")
        }
        guard scalingLeadSeconds >= 0, instanceStartSeconds >= 0 else {
            throw DemoError.invalid("lead and start-up times must be >= 0")
        }
        guard replayLoad > 0, syntheticLoad > 0, flashSaleMultiplier >= 1 else {
            throw DemoError.invalid("loads must be positive and the flash-sale multiplier >= 1")
        }
    }
}

/// A demo step failed.
public enum DemoError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The configuration is not usable.
    case invalid(String)
    /// A stage failed; `stage` names it.
    case stage(String, String)

    public var description: String {
        switch self {
        case .invalid(let message): "demo: \(message)"
        case .stage(let stage, let message): "demo: \(stage) failed: \(message)"
        }
    }
}
