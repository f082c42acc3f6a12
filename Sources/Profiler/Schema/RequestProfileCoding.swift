import Foundation

/// Why a profile document could not be read.
public enum ProfileSchemaError: Error, Equatable, CustomStringConvertible {
    /// The document is not a Shadowcast request profile.
    case notAProfile(found: String?)
    /// The document was written by a newer Shadowcast than this one.
    case unsupportedVersion(found: Int, supported: Int)
    /// The document is a profile but a field is missing or malformed.
    case malformed(String)

    public var description: String {
        switch self {
        case let .notAProfile(found):
            return "not a Shadowcast request profile (format is \(found.map { "'\($0)'" } ?? "missing"), expected '\(RequestProfile.formatTag)')"
        case let .unsupportedVersion(found, supported):
            return "request profile schema version \(found) is newer than this Shadowcast supports (up to \(supported)); upgrade shadowcast or re-create the profile with this version"
        case let .malformed(detail):
            return "malformed request profile: \(detail)"
        }
    }
}

extension RequestProfile {
    private struct Header: Decodable {
        var format: String?
        var version: Int?
    }

    /// Reads a profile, refusing other formats and newer versions with a ``ProfileSchemaError``.
    public static func decode(from data: Data) throws -> RequestProfile {
        let header: Header
        do {
            header = try JSONDecoder().decode(Header.self, from: data)
        } catch {
            throw ProfileSchemaError.malformed("not a JSON object: \(error)")
        }
        guard header.format == formatTag else { throw ProfileSchemaError.notAProfile(found: header.format) }
        guard let version = header.version else { throw ProfileSchemaError.malformed("missing 'version'") }
        guard version <= currentVersion else {
            throw ProfileSchemaError.unsupportedVersion(found: version, supported: currentVersion)
        }
        do {
            let decoder = JSONDecoder()
            decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
            return try decoder.decode(RequestProfile.self, from: data)
        } catch let DecodingError.keyNotFound(key, context) {
            throw ProfileSchemaError.malformed("missing '\(key.stringValue)' at \(Self.path(context.codingPath))")
        } catch let DecodingError.typeMismatch(_, context) {
            throw ProfileSchemaError.malformed("wrong type at \(Self.path(context.codingPath)): \(context.debugDescription)")
        } catch let DecodingError.valueNotFound(_, context) {
            throw ProfileSchemaError.malformed("null at \(Self.path(context.codingPath))")
        } catch {
            throw ProfileSchemaError.malformed("\(error)")
        }
    }

    /// Reads a profile from a file.
    public static func load(from url: URL) throws -> RequestProfile {
        try decode(from: Data(contentsOf: url))
    }

    /// Pretty-printed JSON with sorted keys (stable diffs).
    ///
    /// The history's per-step arrays are written directly (see ``HistorySeries/Marker``); the
    /// bytes are the same as ``encodedWithFoundation()`` writes, only much faster.
    public func encoded() throws -> Data {
        let encoder = Self.encoder()
        let marker = HistorySeries.Marker(prefix: "@shadowcast-series-\(UUID().uuidString)-")
        encoder.userInfo[HistorySeries.markerKey] = marker
        let skeleton = try encoder.encode(self)
        var writer = HistoryArrayWriter(marker: marker, history: history)
        return try writer.splice(skeleton)
    }

    /// The same document written entirely by `JSONEncoder` (the reference for ``encoded()``).
    func encodedWithFoundation() throws -> Data {
        try Self.encoder().encode(self)
    }

    private static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return encoder
    }

    private static func path(_ codingPath: [CodingKey]) -> String {
        codingPath.isEmpty ? "top level" : codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
    }
}
