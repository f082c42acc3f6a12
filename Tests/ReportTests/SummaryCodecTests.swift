import Foundation
import Testing
@testable import Report

@Suite("summary.json schema")
struct SummaryCodecTests {
    @Test("a full summary survives encode → decode unchanged")
    func roundTrip() throws {
        let summary = SampleSummary.make()
        let decoded = try SummaryCodec.decode(try SummaryCodec.encode(summary))
        #expect(decoded == summary)
        #expect(decoded.schemaVersion == RunSummary.currentSchemaVersion)
    }

    @Test("a minimal summary with only meta decodes with empty sections")
    func partialSummary() throws {
        let json = """
        {"schemaVersion":1,"meta":{"tool":"shadowcast","toolVersion":"0.1.0","command":["shadowcast","load"],
         "started":"2026-11-29T00:00:00Z","ended":"2026-11-29T00:01:00Z","targets":[]}}
        """
        let summary = try SummaryCodec.decode(Data(json.utf8))
        #expect(summary.routes.isEmpty && summary.timeline.isEmpty && summary.traffic == nil)
        #expect(summary.meta.durationSeconds == 60)
    }

    @Test("a summary from a newer schema version is refused, not half-read")
    func refusesNewerVersion() throws {
        var object = try JSONSerialization.jsonObject(with: SummaryCodec.encode(SampleSummary.make())) as! [String: Any]
        object["schemaVersion"] = RunSummary.currentSchemaVersion + 1
        let data = try JSONSerialization.data(withJSONObject: object)
        #expect(throws: SummaryDecodingError.unsupportedVersion(found: RunSummary.currentSchemaVersion + 1, supported: RunSummary.currentSchemaVersion)) {
            try SummaryCodec.decode(data)
        }
        let message = String(describing: SummaryDecodingError.unsupportedVersion(found: 2, supported: 1))
        #expect(message.contains("version 2") && message.contains("upgrade"))
    }

    @Test("a file that cannot be read is an error naming it, not a Foundation dump")
    func unreadableFile() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("no-such-summary-\(UUID().uuidString).json")
        do {
            _ = try SummaryCodec.read(from: url)
            Issue.record("reading a missing file succeeded")
        } catch let error as SummaryDecodingError {
            let message = error.description
            #expect(message.hasPrefix("cannot read \(url.path): "))
            #expect(!message.contains("NSCocoaErrorDomain"))
        }
    }

    @Test("missing version and malformed fields give errors that say where")
    func malformed() throws {
        #expect(throws: SummaryDecodingError.missingVersion) { try SummaryCodec.decode(Data("{\"meta\":{}}".utf8)) }
        let badRoute = """
        {"schemaVersion":1,"meta":{"tool":"shadowcast","toolVersion":"0.1.0","command":[],
         "started":"2026-11-29T00:00:00Z","ended":"2026-11-29T00:01:00Z","targets":[]},
         "routes":[{"route":"GET /","requests":"many"}]}
        """
        do {
            _ = try SummaryCodec.decode(Data(badRoute.utf8))
            Issue.record("expected an error")
        } catch let error as SummaryDecodingError {
            guard case .malformed(let detail) = error else { Issue.record("wrong error \(error)"); return }
            #expect(detail.contains("routes[0].requests"))
        }
        #expect(throws: SummaryDecodingError.self) { try SummaryCodec.decode(Data("not json".utf8)) }
    }

    @Test("NaN and infinite values are written as strings and read back")
    func nonFiniteNumbers() throws {
        var summary = SampleSummary.make()
        summary.timeline.secondary[0].p99Ms = .nan
        summary.timeline.secondary[1].rate = .infinity
        let data = try SummaryCodec.encode(summary)
        #expect(String(decoding: data, as: UTF8.self).contains("\"NaN\""))
        let decoded = try SummaryCodec.decode(data)
        #expect(decoded.timeline.secondary[0].p99Ms.isNaN)
        #expect(decoded.timeline.secondary[1].rate == .infinity)
    }

    @Test("the committed fixture (schema v1) still decodes")
    func committedFixture() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/summary-v1.json")
        let summary = try SummaryCodec.read(from: url)
        #expect(summary.schemaVersion == 1)
        #expect(summary.routes.count == 2)
        #expect(summary.findings.first?.severity == .critical)
    }

    @Test("secrets are redacted from command lines and URLs")
    func redaction() {
        let command = SecretRedactor.redact(command: [
            "shadowcast", "load", "--header", "Authorization: Bearer abc", "--header=Cookie: sid=1",
            "http://user:pw@127.0.0.1:8080/a?api_key=XYZ&page=2",
        ])
        let joined = command.joined(separator: " ")
        #expect(!joined.contains("abc") && !joined.contains("sid=1") && !joined.contains("pw@") && !joined.contains("XYZ"))
        #expect(joined.contains("page=2") && joined.contains("127.0.0.1:8080/a"))
        let flags = SecretRedactor.redact(command: ["shadowcast", "load", "--api-key", "K1", "--password=P2", "--rate", "100"])
        #expect(flags == ["shadowcast", "load", "--api-key", "REDACTED", "--password=REDACTED", "--rate", "100"])
    }
}
