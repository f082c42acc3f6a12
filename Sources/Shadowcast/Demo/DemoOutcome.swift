import Foundation
import Report

/// What a demo run produced and where it put it.
public struct DemoOutcome: Sendable {
    /// The report's data (also written as `summary.json`).
    public var summary: RunSummary
    /// The report folder.
    public var folder: URL
    /// `index.html`.
    public var html: URL
    /// `summary.json`.
    public var summaryJSON: URL
    /// `data/profile.json` (the learned profile with its forecast).
    public var profile: URL
    /// `data/access.log` (the generated sample log).
    public var accessLog: URL
    /// Wall-clock seconds the whole demo took.
    public var wallSeconds: Double
}
