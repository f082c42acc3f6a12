import Testing

// CLI suites arrive with the commands.
