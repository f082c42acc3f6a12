import ArgumentParser

/// `shadowcast demo`: Run the whole pipeline on bundled traffic against built-in Labs and write a report.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "demo", abstract: "Run the whole pipeline on bundled traffic against built-in Labs and write a report.")

    func run() async throws {
        throw ValidationError("'shadowcast demo' is not built yet")
    }
}
