import ArgumentParser

/// `shadowcast run`: Generate forecast-driven synthetic load from a profile against a target.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Generate forecast-driven synthetic load from a profile against a target.")

    func run() async throws {
        throw ValidationError("'shadowcast run' is not built yet")
    }
}
