import ArgumentParser
import Shadowcast
import Testing
@testable import shadowcast

/// `--busy-poll auto|0|DURATION` of `load`, `bench` and `run`: what each form sets, and the errors.
@Suite struct BusyPollOptionTests {
    static let url = "http://127.0.0.1:8080/"

    @Test("auto (the default), 0 and a duration set adaptive, off and a fixed budget", arguments: [
        ([], EmissionConfiguration.BusyPoll.adaptive), (["--busy-poll", "auto"], .adaptive), (["--busy-poll", "AUTO"], .adaptive),
        (["--busy-poll", "0"], .off), (["--busy-poll", "0us"], .off), (["--busy-poll", "50us"], .fixed(.microseconds(50))),
        (["--busy-poll", "1ms"], .fixed(.milliseconds(1))), (["--busy-poll", "1s"], .fixed(.seconds(1))),
    ])
    func parses(arguments: [String], expected: EmissionConfiguration.BusyPoll) throws {
        let load = try LoadCommand.parse([Self.url] + arguments)
        #expect(load.options.busyPoll.setting == expected)
        let configuration = load.options.configuration(target: .loopback(port: 8080), model: .closed(pipeline: 1))
        #expect(configuration.busyPoll == expected)
        try configuration.validate()
        let bench = try BenchCommand.parse(arguments)
        #expect(bench.options.busyPoll.setting == expected)
    }

    @Test("bad values are refused with the flag named", arguments: [
        ("5x", "The value '5x' is invalid for '--busy-poll <auto|0|duration>'"),
        ("-1ms", "The value '-1ms' is invalid for '--busy-poll <auto|0|duration>'"),
        ("adaptive", "The value 'adaptive' is invalid for '--busy-poll <auto|0|duration>'"),
        ("2s", "--busy-poll must be auto, 0 or a duration of at most 1s, got '2s'"),
    ])
    func refused(value: String, message: String) {
        do {
            _ = try LoadCommand.parse([Self.url, "--busy-poll=\(value)"]) // `=`: "-1ms" is not read as a flag
            Issue.record("--busy-poll \(value) was accepted")
        } catch {
            #expect(LoadCommand.message(for: error).contains(message), "\(LoadCommand.message(for: error))")
        }
    }

    @Test("the help says what auto, 0 and a duration do")
    func help() {
        let help = LoadCommand.helpMessage(columns: 400)
        #expect(help.contains("--busy-poll <auto|0|duration>"))
        #expect(help.contains("auto (default)") && help.contains("0: never polls") && help.contains("always polls that long"))
    }
}
