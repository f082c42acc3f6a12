import ArgumentParser
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Monitor

/// One side of `compare`: a results file, or a live target whose `/metrics` is scraped twice.
enum ResultsSource {
    case file(String)
    case live(URL)

    init(argument: String) throws {
        if argument.hasPrefix("http://") || argument.hasPrefix("https://") {
            guard var url = URL(string: argument) else { throw ValidationError("not a URL: \(argument)") }
            if url.path.isEmpty || url.path == "/" { url = url.appendingPathComponent("metrics") }
            self = .live(url)
        } else {
            self = .file(argument)
        }
    }

    var isLive: Bool { if case .live = self { return true } else { return false } }

    /// Fetches and parses the target's metrics now.
    static func scrape(_ url: URL) async throws -> PrometheusScrape {
        var request = URLRequest(url: url, timeoutInterval: 10)
        request.setValue("text/plain", forHTTPHeaderField: "Accept")
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard status == 200 else { throw LabCLIError("\(url): HTTP \(status)") }
        let scrape = try PrometheusScrape.parse(String(decoding: data, as: UTF8.self), source: url.absoluteString)
        if !scrape.skipped.isEmpty {
            let first = scrape.skipped[0]
            FileHandle.standardError.write(Data("warning: \(url): skipped \(scrape.skipped.count) line(s); first at line \(first.line): \(first.reason)\n".utf8))
        }
        return scrape
    }
}
