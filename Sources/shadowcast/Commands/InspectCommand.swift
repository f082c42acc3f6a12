import ArgumentParser

/// `shadowcast inspect`: Summarize a request profile.
struct InspectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "inspect", abstract: "Summarize a request profile.")

    func run() async throws {
        throw ValidationError("'shadowcast inspect' is not built yet")
    }
}
