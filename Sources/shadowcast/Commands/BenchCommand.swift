import ArgumentParser

/// `shadowcast bench`: Find the highest request rate a target sustains within an SLO.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bench", abstract: "Find the highest request rate a target sustains within an SLO.")

    func run() async throws {
        throw ValidationError("'shadowcast bench' is not built yet")
    }
}
