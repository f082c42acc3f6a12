import ArgumentParser
import Foundation
import Monitor

/// `shadowcast compare`: Compare a secondary against a primary and name the bottlenecks.
struct CompareCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare a secondary against a primary and name the bottlenecks.",
        discussion: """
            PRIMARY and SECONDARY are the --json results of `shadowcast load`/`run`, or live targets \
            (http://host:port, whose /metrics is scraped at the start and after --window seconds; \
            the defaults fit the Lab's metrics). Latency differences count as regressions only when \
            significant (Mann–Whitney U over the histograms, --alpha) and at least --min-ratio; error \
            rates use a two-proportion test and --min-error-increase.
            """)

    @Argument(help: "Primary results file or live target URL.")
    var primary: String

    @Argument(help: "Secondary results file or live target URL.")
    var secondary: String

    @Option(name: .long, help: "Significance level.")
    var alpha = 0.01

    @Option(name: .long, help: "Smallest p50 or p99 ratio reported as a latency regression.")
    var minRatio = 1.2

    @Option(name: .long, help: "Smallest error-rate increase reported (0.01 = 1 point).")
    var minErrorIncrease = 0.01

    @Option(name: .long, help: "Routes with fewer requests on either side are not judged.")
    var minRequests: UInt64 = 50

    @Option(name: .long, help: "p99 SLO in milliseconds: routes whose secondary p99 exceeds it are listed.")
    var sloP99: Double?

    @Option(name: .long, help: "Live targets: seconds between the two scrapes.")
    var window = 10.0

    @Option(name: .long, help: "Live targets: histogram family of request durations (seconds).")
    var histogram = "lab_request_duration_seconds"

    @Option(name: .long, help: "Live targets: request counter with a status label.")
    var requestsCounter = "lab_requests_total"

    @Option(name: .long, help: "Live targets: label naming the route.")
    var routeLabel = "route"

    @Flag(name: .long, help: "Print the report as JSON.")
    var json = false

    @Flag(name: .long, help: "Exit with status 1 when a regression is found.")
    var failOnRegression = false

    func validate() throws {
        guard alpha > 0 && alpha < 1 else { throw ValidationError("--alpha must be in (0, 1)") }
        guard minRatio >= 1 else { throw ValidationError("--min-ratio must be >= 1") }
        guard window > 0 else { throw ValidationError("--window must be > 0") }
        if let sloP99, sloP99 <= 0 { throw ValidationError("--slo-p99 must be > 0") }
    }

    func run() async throws {
        let sources = (try ResultsSource(argument: primary), try ResultsSource(argument: secondary))
        let (primarySummary, secondarySummary) = try await load(sources)
        let comparator = Comparator(configuration: ComparisonConfiguration(
            alpha: alpha, minLatencyRatio: minRatio, minErrorRateIncrease: minErrorIncrease, minRequests: minRequests))
        var report = comparator.compare(primary: primarySummary, secondary: secondarySummary)
        if let sloP99 {
            let over = report.routes.filter { $0.secondaryP99 > sloP99 }
            if !over.isEmpty {
                report.findings.append(Finding(
                    kind: .sloViolation, severity: .warning,
                    message: "p99 above the \(Int(sloP99)) ms SLO on the secondary: " + over.map { String(format: "%@ (%.1f ms)", $0.route, $0.secondaryP99) }.joined(separator: ", ") + "."))
            }
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            encoder.keyEncodingStrategy = .convertToSnakeCase
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(ComparisonText.render(report))
        }
        if failOnRegression && report.routes.contains(where: { $0.verdict == .regression }) || (failOnRegression && report.overall.verdict == .regression) {
            throw ExitCode(1)
        }
    }

    private func load(_ sources: (ResultsSource, ResultsSource)) async throws -> (RunResults, RunResults) {
        let reader = PrometheusWindow(histogram: histogram, requestsCounter: requestsCounter, routeLabel: routeLabel)
        var before: [URL: PrometheusScrape] = [:]
        for case .live(let url) in [sources.0, sources.1] { before[url] = try await ResultsSource.scrape(url) }
        let started = ContinuousClock.now
        if !before.isEmpty {
            FileHandle.standardError.write(Data("scraping live target(s) over \(window) s…\n".utf8))
            try await Task.sleep(for: .milliseconds(Int(window * 1000)))
        }
        let elapsed = Double((ContinuousClock.now - started).components.attoseconds) / 1e18 + Double((ContinuousClock.now - started).components.seconds)
        func summary(_ source: ResultsSource) async throws -> RunResults {
            switch source {
            case .file(let path):
                do { return try RunResults.load(path: path) } catch { throw LabCLIError("\(error)") }
            case .live(let url):
                let after = try await ResultsSource.scrape(url)
                return reader.summary(before: before[url]!, after: after, seconds: elapsed)
            }
        }
        return (try await summary(sources.0), try await summary(sources.1))
    }
}
