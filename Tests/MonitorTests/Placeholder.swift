import Testing
@testable import Monitor

// Suites for Monitor arrive with its issue.
