import Foundation

/// Reads and writes `summary.json`.
///
/// Writing: pretty-printed, keys sorted, dates in ISO 8601, non-finite numbers as the strings
/// `"NaN"`, `"Infinity"`, `"-Infinity"` (a stage that measured nothing must not make the
/// whole report fail). Reading: the schema version is checked first, and a summary written by
/// a newer Shadowcast is refused with ``SummaryDecodingError/unsupportedVersion(found:supported:)``
/// instead of being half-read.
public enum SummaryCodec {
    /// Encodes a summary as JSON.
    public static func encode(_ summary: RunSummary) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return try encoder.encode(summary)
    }

    /// Decodes a summary, refusing unknown newer schema versions and malformed documents.
    public static func decode(_ data: Data) throws -> RunSummary {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        let header: VersionHeader
        do {
            header = try decoder.decode(VersionHeader.self, from: data)
        } catch {
            throw SummaryDecodingError.malformed(describe(error))
        }
        guard let version = header.schemaVersion else { throw SummaryDecodingError.missingVersion }
        guard version >= 1 else {
            throw SummaryDecodingError.malformed("schemaVersion \(version) is not a valid version (must be ≥ 1)")
        }
        guard version <= RunSummary.currentSchemaVersion else {
            throw SummaryDecodingError.unsupportedVersion(found: version, supported: RunSummary.currentSchemaVersion)
        }
        do {
            return try decoder.decode(RunSummary.self, from: data)
        } catch {
            throw SummaryDecodingError.malformed(describe(error))
        }
    }

    /// Reads a summary from a file.
    public static func read(from url: URL) throws -> RunSummary {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw SummaryDecodingError.unreadable(path: url.path, reason: error.localizedDescription)
        }
        return try decode(data)
    }

    private struct VersionHeader: Decodable {
        var schemaVersion: Int?
    }

    /// Turns a DecodingError into "field path: what went wrong".
    static func describe(_ error: any Error) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            let text = keys.map { key in key.intValue.map { "[\($0)]" } ?? ".\(key.stringValue)" }.joined()
            return text.isEmpty ? "(top level)" : String(text.drop(while: { $0 == "." }))
        }
        guard let decoding = error as? DecodingError else { return String(describing: error) }
        switch decoding {
        case .typeMismatch(let type, let context):
            return "\(path(context.codingPath)): expected \(type): \(context.debugDescription)"
        case .valueNotFound(let type, let context):
            return "\(path(context.codingPath)): missing \(type) value"
        case .keyNotFound(let key, let context):
            return "\(path(context.codingPath + [key])): required field is missing"
        case .dataCorrupted(let context):
            return "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return String(describing: error)
        }
    }
}

/// Why a `summary.json` could not be read.
public enum SummaryDecodingError: Error, Equatable, CustomStringConvertible {
    /// The document has no `schemaVersion` field.
    case missingVersion
    /// The document was written by a newer Shadowcast with a schema this build does not know.
    case unsupportedVersion(found: Int, supported: Int)
    /// The document is not valid JSON or does not follow the schema (the text says where).
    case malformed(String)
    /// The file could not be read (the reason is the system's).
    case unreadable(path: String, reason: String)

    public var description: String {
        switch self {
        case let .unreadable(path, reason):
            "cannot read \(path): \(reason)"
        case .missingVersion:
            "summary.json has no schemaVersion field; it was not written by Shadowcast"
        case .unsupportedVersion(let found, let supported):
            "summary.json uses schema version \(found), but this Shadowcast reads versions up to \(supported); upgrade Shadowcast to read it"
        case .malformed(let detail):
            "summary.json is not a valid summary: \(detail)"
        }
    }
}
