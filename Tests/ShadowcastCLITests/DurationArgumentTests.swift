import ArgumentParser
import Testing
@testable import shadowcast

@Suite("DurationArgument: the one duration type of every verb")
struct DurationArgumentTests {
    @Test("every form a verb accepted before is accepted", arguments: [
        ("500ms", Duration.milliseconds(500)), ("10s", .seconds(10)), ("5m", .seconds(300)), ("1h", .seconds(3_600)),
        ("1d", .seconds(86_400)), ("1w", .seconds(604_800)), ("300", .seconds(300)), ("0.25", .milliseconds(250)),
        ("250us", .microseconds(250)), ("250µs", .microseconds(250)), ("100ns", .nanoseconds(100)),
        ("1.5m", .seconds(90)), (" 2S ", .seconds(2)), ("1M", .seconds(60)), ("1e3ms", .seconds(1)), ("0s", .zero),
    ])
    func validForms(text: String, expected: Duration) throws {
        let parsed = try #require(DurationArgument(argument: text))
        #expect(parsed.duration == expected)
        #expect(parsed.description == text)
    }

    @Test("anything else is refused", arguments: [
        "", "s", "ms", "5x", "5 s", "-1s", "-3", "1.2.3s", "5mm", "10sec", "infs", "nan", "1e400s", "1e10w",
    ])
    func badInput(text: String) {
        #expect(DurationArgument(argument: text) == nil)
    }

    @Test("seconds, milliseconds and the compact text of defaults")
    func conversions() throws {
        let slo = try #require(DurationArgument(argument: "50ms"))
        #expect(slo.milliseconds == 50)
        #expect(slo.seconds == 0.05)
        #expect(DurationArgument(seconds: 1_800).description == "30m")
        #expect(DurationArgument(seconds: 7_200).description == "2h")
        #expect(DurationArgument(seconds: 45).description == "45s")
        #expect(DurationArgument(seconds: 0.5).description == "0.5s")
        #expect(DurationArgument(argument: "60s") == DurationArgument(argument: "1m"))
    }

    @Test("bad input gets the same error on every verb: the value and the flag it was given to")
    func oneErrorMessage() {
        let cases: [(parse: () throws -> Void, message: (any Error) -> String, expected: String)] = [
            ({ _ = try ProfileCommand.parse(["a.log", "--step", "5x"]) }, ProfileCommand.message(for:),
             "The value '5x' is invalid for '--step <step>'"),
            ({ _ = try ForecastCommand.parse(["s.csv", "--step", "5x"]) }, ForecastCommand.message(for:),
             "The value '5x' is invalid for '--step <step>'"),
            ({ _ = try LoadCommand.parse(["http://127.0.0.1:8080/", "--duration", "5x"]) }, LoadCommand.message(for:),
             "The value '5x' is invalid for '--duration <duration>'"),
            ({ _ = try RunCommand.parse(["p.json", "--target", "http://127.0.0.1:8080", "--timeout", "5x"]) }, RunCommand.message(for:),
             "The value '5x' is invalid for '--timeout <timeout>'"),
            ({ _ = try ShadowCommand.parse(["--primary", "http://127.0.0.1:1", "--secondary", "http://127.0.0.1:2", "--mirror-timeout", "5x"]) },
             ShadowCommand.message(for:), "The value '5x' is invalid for '--mirror-timeout <mirror-timeout>'"),
        ]
        for (parse, message, expected) in cases {
            do {
                try parse()
                Issue.record("'5x' was accepted; expected: \(expected)")
            } catch {
                #expect(message(error) == expected)
            }
        }
    }

    @Test("each verb takes the forms it did not take before, with the same meaning")
    func unionOnEveryVerb() throws {
        // Forecast took no `ms`; shadow took no plain seconds; load took no days.
        #expect(try ForecastCommand.parse(["s.csv", "--step", "500ms"]).step?.seconds == 0.5)
        #expect(try ForecastCommand.parse(["s.csv", "--step", "300"]).step?.seconds == 300)
        #expect(try ShadowCommand.parse(["--primary", "http://127.0.0.1:1", "--secondary", "http://127.0.0.1:2", "--step", "10"]).step.duration == .seconds(10))
        #expect(try LoadCommand.parse(["http://127.0.0.1:8080/", "--duration", "1d"]).duration.duration == .seconds(86_400))
        #expect(try ProfileCommand.parse(["a.log", "--session-gap", "1w"]).sessionGap.seconds == 604_800)
        #expect(try BenchCommand.parse(["http://127.0.0.1:8080/", "--slo-p99", "0.05"]).sloP99.milliseconds == 50)
    }

    @Test("flags that need a positive duration still refuse zero")
    func zeroWherePositiveIsNeeded() {
        #expect(throws: (any Error).self) { try ForecastCommand.parse(["s.csv", "--step", "0"]) }
        #expect(throws: (any Error).self) { try ProfileCommand.parse(["a.log", "--step", "0s"]) }
        #expect(throws: (any Error).self) { try ProfileCommand.parse(["a.log", "--session-gap", "0"]) }
        #expect(throws: (any Error).self) { try ProfileCommand.parse(["a.log", "--reorder-window", "0m"]) }
        #expect(throws: (any Error).self) { try LoadCommand.parse(["http://127.0.0.1:8080/", "--duration", "0s"]) }
        #expect(throws: (any Error).self) {
            try ShadowCommand.parse(["--primary", "http://127.0.0.1:1", "--secondary", "http://127.0.0.1:2", "--duration", "0s"])
        }
    }
}
