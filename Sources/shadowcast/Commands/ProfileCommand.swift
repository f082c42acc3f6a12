import ArgumentParser

/// `shadowcast profile`: Learn a request profile from access logs.
struct ProfileCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "profile", abstract: "Learn a request profile from access logs.")

    func run() async throws {
        throw ValidationError("'shadowcast profile' is not built yet")
    }
}
