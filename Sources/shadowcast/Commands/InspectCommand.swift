import ArgumentParser
import Foundation
import Profiler

/// `shadowcast inspect`: Summarize a request profile.
struct InspectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "inspect", abstract: "Summarize a request profile.")

    @Argument(help: "A profile written by 'shadowcast profile'.")
    var profile: String

    @Option(help: "Routes to list.")
    var topRoutes = 15

    func run() async throws {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: profile))
        } catch {
            throw ProfileCommandError("cannot read \(profile): \(error.localizedDescription)")
        }
        do {
            let decoded = try RequestProfile.decode(from: data)
            print(ProfileSummaryPrinter.ingestion(decoded.provenance), terminator: "")
            print(ProfileSummaryPrinter.summary(decoded, topRoutes: topRoutes))
        } catch let error as ProfileSchemaError {
            throw ProfileCommandError("\(profile): \(error)")
        }
    }
}
