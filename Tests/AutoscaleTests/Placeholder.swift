import Testing
@testable import Autoscale

// Suites for Autoscale arrive with its issue.
