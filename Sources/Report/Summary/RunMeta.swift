import Foundation

/// Who ran what, when, and against which targets.
public struct RunMeta: Codable, Sendable, Equatable {
    /// Name of the tool that wrote the summary (`shadowcast`).
    public var tool: String
    /// Version of that tool.
    public var toolVersion: String
    /// The command line, with secrets already redacted (see ``SecretRedactor``).
    public var command: [String]
    /// When the run started (ISO 8601 in JSON).
    public var started: Date
    /// When the run ended (ISO 8601 in JSON).
    public var ended: Date
    /// Seed of the run's random generators, when it was seeded.
    public var seed: UInt64?
    /// The services the run talked to.
    public var targets: [RunTarget]

    /// Creates run metadata.
    public init(
        tool: String = "shadowcast", toolVersion: String, command: [String], started: Date,
        ended: Date, seed: UInt64? = nil, targets: [RunTarget] = []
    ) {
        self.tool = tool
        self.toolVersion = toolVersion
        self.command = command
        self.started = started
        self.ended = ended
        self.seed = seed
        self.targets = targets
    }

    /// Length of the run in seconds (never negative).
    public var durationSeconds: Double { max(0, ended.timeIntervalSince(started)) }
}

/// A service a run sent traffic to.
public struct RunTarget: Codable, Sendable, Equatable {
    /// What the target was for.
    public enum Role: String, Codable, Sendable, Equatable {
        /// The production-like copy that receives replayed (shadowed) traffic.
        case primary
        /// The copy under test that receives the synthetic, forecast-driven load.
        case secondary
    }

    /// The target's role in the run.
    public var role: Role
    /// Base URL, without credentials.
    public var url: String
    /// Instances serving it at the start of the run, when known.
    public var instances: Int?

    /// Creates a target description.
    public init(role: Role, url: String, instances: Int? = nil) {
        self.role = role
        self.url = url
        self.instances = instances
    }
}
