import Testing
@testable import Emission

// Suites for Emission arrive with its issue.
