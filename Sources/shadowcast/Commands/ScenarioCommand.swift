import ArgumentParser
import Foundation
import Shadowcast

/// `shadowcast scenario`: list, show or validate what-if scenarios.
struct ScenarioCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scenario", abstract: "Show or validate what-if scenarios.",
        subcommands: [List.self, Show.self, Validate.self], defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the built-in scenarios.")

        func run() async throws {
            for name in BuiltinScenarios.names {
                let scenario = try BuiltinScenarios.scenario(named: name)
                print("\(name.padding(toLength: 16, withPad: " ", startingAt: 0)) \(scenario?.description ?? "")")
            }
            print("\nUse one with `shadowcast run PROFILE --target URL --scenario NAME`, or write your own: `shadowcast scenario show flash-sale > mine.yaml`.")
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a built-in scenario (or a scenario file, normalised) as YAML.")

        @Argument(help: "A built-in name (\(BuiltinScenarios.names.joined(separator: ", "))) or a YAML file.")
        var name: String

        func run() async throws {
            if let text = BuiltinScenarios.yaml(named: name) {
                print(text, terminator: "")
                return
            }
            do { print(try Scenario.load(path: name).yaml(), terminator: "") } catch {
                throw ValidationError("'\(name)' is neither a built-in scenario (\(BuiltinScenarios.names.joined(separator: ", "))) nor a readable scenario file: \(error)")
            }
        }
    }

    struct Validate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Check a scenario file (or a --faults file); errors give line, column and field.")

        @Argument(help: "The YAML file.")
        var file: String

        @Flag(help: "The file is a fault-injection file (--faults), not a scenario.")
        var faults = false

        @Option(help: "Also check that the scenario's routes and parameters exist in this profile.")
        var profile: String?

        func run() async throws {
            do {
                if faults {
                    let plan = try FaultPlan.load(path: file)
                    print("\(file): valid fault plan, \(plan.rules.count) rule(s): \(plan.rules.map(\.kind.rawValue).joined(separator: ", "))")
                    return
                }
                let scenario = try Scenario.load(path: file)
                if let profile {
                    var options = SynthesisOptions()
                    options.scenario = scenario
                    options.durationSeconds = max(1, scenario.events.map(\.end).max() ?? 1)
                    _ = try SynthesizedSchedule(profile: try RequestProfile.load(from: URL(fileURLWithPath: profile)), options: options)
                }
                print("\(file): valid scenario '\(scenario.name)', \(scenario.events.count) event(s)")
            } catch let error as SynthesisError {
                throw ValidationError(error.description)
            } catch let error as ProfileSchemaError {
                throw ValidationError("\(profile ?? ""): \(error)")
            }
        }
    }
}
