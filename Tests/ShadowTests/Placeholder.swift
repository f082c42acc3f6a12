import Testing
@testable import Shadow

// Suites for Shadow arrive with its issue.
