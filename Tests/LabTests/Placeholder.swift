import Testing
@testable import Lab

// Suites for Lab arrive with its issue.
