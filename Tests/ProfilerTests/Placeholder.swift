import Testing
@testable import Profiler

// Suites for Profiler arrive with its issue.
