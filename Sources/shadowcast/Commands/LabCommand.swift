import ArgumentParser

/// `shadowcast lab`: Start the simulated Lab service.
struct LabCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "lab", abstract: "Start the simulated Lab service.")

    func run() async throws {
        throw ValidationError("'shadowcast lab' is not built yet")
    }
}
