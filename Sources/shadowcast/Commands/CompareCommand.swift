import ArgumentParser

/// `shadowcast compare`: Compare a secondary against a primary and name the bottlenecks.
struct CompareCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "compare", abstract: "Compare a secondary against a primary and name the bottlenecks.")

    func run() async throws {
        throw ValidationError("'shadowcast compare' is not built yet")
    }
}
