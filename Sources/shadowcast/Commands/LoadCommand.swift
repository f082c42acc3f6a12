import ArgumentParser

/// `shadowcast load`: Send load to a URL at a fixed rate or as fast as possible (wrk/wrk2-like).
struct LoadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "load", abstract: "Send load to a URL at a fixed rate or as fast as possible (wrk/wrk2-like).")

    func run() async throws {
        throw ValidationError("'shadowcast load' is not built yet")
    }
}
