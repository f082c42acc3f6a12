import ArgumentParser

/// `shadowcast sink`: Start a minimal fast HTTP/1.1 server that answers every request.
struct SinkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "sink", abstract: "Start a minimal fast HTTP/1.1 server that answers every request.")

    func run() async throws {
        throw ValidationError("'shadowcast sink' is not built yet")
    }
}
