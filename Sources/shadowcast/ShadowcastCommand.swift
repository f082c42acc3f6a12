import ArgumentParser

/// The `shadowcast` command-line tool: one subcommand per verb, each in its own file under
/// `Commands/`.
@main
struct ShadowcastCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shadowcast",
        abstract: "Predictive load engine: learn a service's traffic, forecast it, and send it ahead of time to a secondary copy.",
        subcommands: [
            DemoCommand.self,
            LoadCommand.self,
            BenchCommand.self,
            SinkCommand.self,
            ProfileCommand.self,
            InspectCommand.self,
            ForecastCommand.self,
            RunCommand.self,
            ScenarioCommand.self,
            LabCommand.self,
            CompareCommand.self,
            ShadowCommand.self,
        ]
    )
}
