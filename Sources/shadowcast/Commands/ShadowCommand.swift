import ArgumentParser

/// `shadowcast shadow`: Proxy a primary, mirror to a secondary, profile live and play the forecast ahead.
struct ShadowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "shadow", abstract: "Proxy a primary, mirror to a secondary, profile live and play the forecast ahead.")

    func run() async throws {
        throw ValidationError("'shadowcast shadow' is not built yet")
    }
}
