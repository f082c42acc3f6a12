import Testing
@testable import Report

// Suites for Report arrive with its issue.
