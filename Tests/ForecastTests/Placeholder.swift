import Testing
@testable import Forecast

// Suites for Forecast arrive with its issue.
