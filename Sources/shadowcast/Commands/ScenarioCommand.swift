import ArgumentParser

/// `shadowcast scenario`: Show or validate what-if scenarios.
struct ScenarioCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "scenario", abstract: "Show or validate what-if scenarios.")

    func run() async throws {
        throw ValidationError("'shadowcast scenario' is not built yet")
    }
}
