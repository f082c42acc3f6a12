import Testing
@testable import Synthesis

// Suites for Synthesis arrive with its issue.
