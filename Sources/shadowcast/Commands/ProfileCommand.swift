import ArgumentParser
import Foundation
import Profiler
import Traffic

/// `shadowcast profile`: Learn a request profile from access logs.
struct ProfileCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "profile", abstract: "Learn a request profile from access logs.",
        discussion: """
        Reads Combined/Common/nginx logs, JSON lines, or any nginx log_format pattern; plain files, \
        gzip files (detected) or standard input ('-'). Secrets are never stored: Authorization/Cookie \
        headers are never read, credential query values are dropped, client addresses are pseudonymised.
        """)

    @Argument(help: "Log files ('-' for standard input; .gz detected by content).")
    var logs: [String]

    @Option(help: "combined | common | nginx | jsonl | a log_format pattern such as '$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent'.")
    var format = "combined"

    @Option(name: .customLong("json-field"), help: "For jsonl: map a field to a key, e.g. time=ts, path=req.url (repeatable).")
    var jsonFields: [String] = []

    @Option(help: "History step (30s, 1m, 5m, 1h).")
    var step = DurationArgument(seconds: 60)

    @Option(help: "Routes kept with their own model; the rest fold into {other}.")
    var topRoutes = 50

    @Option(help: "Forecast horizon to attach (e.g. 1h).")
    var forecast: DurationArgument?

    @Option(help: "Where to write the profile JSON.")
    var out = "profile.json"

    @Flag(help: "Stop at the first malformed line instead of counting it (lines whose request is \"-\", connections that sent none, are still counted, not errors).")
    var strict = false

    @Option(name: .customLong("route-rule"), help: "Route template that overrides inference, e.g. '/api/{version}/users/{id}' (repeatable).")
    var routeRules: [String] = []

    @Option(help: "CSV of IPv4 prefix,country used when the log has no country field.")
    var geoTable: String?

    @Option(help: "Inactivity gap that ends a session.")
    var sessionGap = DurationArgument(seconds: 1800)

    @Option(help: "How far out of time order lines may be and still be put in order.")
    var reorderWindow = DurationArgument(seconds: 300)

    @Flag(help: "Keep no trace of client addresses (sessions then group by user agent or session id).")
    var dropClients = false

    @Flag(help: "Print only the ingestion summary, not the profile summary.")
    var quiet = false

    func validate() throws {
        guard !logs.isEmpty else { throw ValidationError("give at least one log file, or '-' for standard input") }
        guard logs.filter({ $0 == "-" }).count <= 1 else { throw ValidationError("standard input ('-') can be read only once") }
        guard topRoutes >= 1 && topRoutes <= 10_000 else { throw ValidationError("--top-routes must be between 1 and 10000") }
        guard step.seconds >= 0.001 else { throw ValidationError("--step must be at least 1ms") }
        guard sessionGap.duration > .zero else { throw ValidationError("--session-gap '\(sessionGap)': must be positive") }
        guard reorderWindow.duration > .zero else { throw ValidationError("--reorder-window '\(reorderWindow)': must be positive") }
        if let forecast {
            guard forecast.seconds >= step.seconds else {
                throw ValidationError("--forecast \(forecast) is shorter than one --step \(step)")
            }
            guard forecast.seconds / step.seconds <= 100_000 else {
                throw ValidationError("--forecast \(forecast) is more than 100000 steps of \(step)")
            }
        }
        _ = try makeFormat()
        _ = try makeRules()
    }

    private func makeFormat() throws -> LogFormat {
        do { return try LogFormat(argument: format, jsonFields: jsonFields) } catch { throw ValidationError("--format: \(error)") }
    }

    private func makeRules() throws -> [TemplateRule] {
        do { return try routeRules.map { try TemplateRule($0) } } catch { throw ValidationError("--route-rule: \(error)") }
    }

    func run() async throws {
        var configuration = ProfilerConfiguration()
        configuration.stepSeconds = step.seconds
        configuration.topRoutes = topRoutes
        configuration.inactivityGapSeconds = sessionGap.seconds
        configuration.reorderWindowSeconds = reorderWindow.seconds
        configuration.templateRules = try makeRules()
        configuration.generator = "shadowcast profile"
        if dropClients { configuration.redactor = Redactor(clientPolicy: .drop) }
        if let geoTable {
            do {
                configuration.geoTable = try GeoPrefixTable(csv: String(contentsOfFile: geoTable, encoding: .utf8), name: geoTable)
            } catch {
                throw ValidationError("--geo-table: \(error)")
            }
        }
        var readerConfiguration = LogReaderConfiguration()
        readerConfiguration.strict = strict
        let reader = LogReader(configuration: readerConfiguration)
        let logFormat = try makeFormat()
        var builder = ProfileBuilder(configuration: configuration)
        for log in logs {
            let source: LogSource
            do { source = try LogSource(path: log) } catch { throw ProfileCommandError("\(error)") }
            do {
                try builder.ingest(source, format: logFormat, reader: reader)
            } catch let error as MalformedLineError {
                throw ProfileCommandError("\(error) — --strict stops at the first malformed line")
            } catch let error as LogInputError {
                throw ProfileCommandError(error.description)
            }
        }
        var profile = builder.profile()
        FileHandle.standardError.write(Data(ProfileSummaryPrinter.ingestion(profile.provenance).utf8))
        guard profile.totals.requests > 0 else {
            throw ProfileCommandError("no request could be parsed from \(logs.joined(separator: ", ")) as \(logFormat.name); nothing written")
        }
        if let forecast {
            FileHandle.standardError.write(Data("forecasting \(forecast) ahead from \(profile.history.total.count) steps of \(Int(profile.history.stepSeconds)) s...\n".utf8))
            let outcome = try profile.attachForecast(horizonSeconds: forecast.seconds)
            if !quiet, let selection = outcome.selection { ForecastConsole.printSelection(selection, log: outcome.log) }
        }
        let data = try profile.encoded()
        do {
            try data.write(to: URL(fileURLWithPath: out), options: .atomic)
        } catch {
            throw ProfileCommandError("cannot write \(out): \(error.localizedDescription)")
        }
        if !quiet { print(ProfileSummaryPrinter.summary(profile, topRoutes: 10)) }
        FileHandle.standardError.write(Data("wrote \(out) (\(data.count) bytes)\n".utf8))
    }
}

/// A failure of `shadowcast profile` with a message for the user.
struct ProfileCommandError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
