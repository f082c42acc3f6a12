import ArgumentParser
import Testing
@testable import shadowcast

/// The target URL of `load`, `bench` and `run`: parsed, or refused with what is wrong.
@Suite struct TargetURLTests {
    @Test("host, port, path and query are taken from an http URL; the port defaults to 80")
    func parsesHTTP() throws {
        let url = try HTTPTargetURL(parsing: "http://127.0.0.1:8081/a/b?x=1")
        #expect(url.host == "127.0.0.1" && url.port == 8081 && url.pathAndQuery == "/a/b?x=1")
        let bare = try HTTPTargetURL(parsing: "http://[::1]")
        #expect(bare.host == "::1" && bare.port == 80 && bare.pathAndQuery == "/")
        // The Host header of an IPv6 literal is bracketed once.
        let request = try HTTPTargetURL(parsing: "http://[::1]:8080/").requestBatch(headers: [])
        #expect(String(decoding: request.arena, as: UTF8.self).contains("\r\nHost: [::1]:8080\r\n"))
    }

    @Test("a refused URL says what is wrong with it", arguments: [
        ("ftp://x/", "scheme 'ftp' of 'ftp://x/' is not supported; only http://"),
        ("https://a.b/", "(TLS is not supported: aim at the plain-HTTP port)"),
        ("localhost:8080", "has no scheme; expected http://localhost:8080"),
        ("http://:80/", "has no host"),
        ("http://a:70000/", "port 70000 of 'http://a:70000/' is not in 1…65535"),
    ])
    func refusals(argument: String, message: String) {
        do {
            _ = try HTTPTargetURL(parsing: argument)
            Issue.record("\(argument) was accepted")
        } catch let error as ValidationError {
            #expect(error.message.contains(message), "\(error.message)")
        } catch {
            Issue.record("unexpected \(error)")
        }
        #expect(HTTPTargetURL(argument: argument) == nil)
    }

    @Test("load, bench and run print the reason, not only 'invalid'")
    func commandsPrintTheReason() {
        for (parse, arguments) in [
            ({ try LoadCommand.parse($0) } as ([String]) throws -> Any, ["ftp://x/"]),
            ({ try BenchCommand.parse($0) }, ["ftp://x/"]),
            ({ try RunCommand.parse($0) }, ["p.json", "--target", "ftp://x/"]),
        ] {
            do {
                _ = try parse(arguments)
                Issue.record("\(arguments) was accepted")
            } catch {
                #expect(LoadCommand.message(for: error).contains("scheme 'ftp'"), "\(LoadCommand.message(for: error))")
            }
        }
    }
}
