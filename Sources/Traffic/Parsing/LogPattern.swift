/// A user-given nginx `log_format`-style pattern, compiled once:
/// `$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_time`.
///
/// Known variables fill ``LogFields``; unknown ones are matched and ignored. Variables that
/// carry secrets (`$http_authorization`, `$http_cookie`, `$cookie_*`, `$sent_http_set_cookie`, …)
/// are matched and never read. Adjacent variables must be separated by literal text.
public struct LogPattern: Sendable, Equatable {
    /// What a variable fills.
    public enum Field: String, Sendable, Equatable {
        case client, timeLocal, timeISO8601, epochSeconds, request, method, uri, path, query, status
        case responseBytes, requestBytes, latencySeconds, latencyMilliseconds, referrer, userAgent
        case country, session, contentType, ignored, secret
    }

    /// A compiled piece of the pattern.
    public enum Token: Sendable, Equatable {
        case literal([UInt8])
        case variable(name: String, field: Field)
    }

    /// Why a pattern cannot be used.
    public struct PatternError: Error, Sendable, Equatable, CustomStringConvertible {
        /// What is wrong, with the byte offset in the pattern.
        public var message: String
        public var description: String { message }
    }

    /// The compiled tokens.
    public let tokens: [Token]
    /// The pattern as given.
    public let source: String

    /// nginx's predefined `combined` format.
    public static let nginxCombined = #"$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent""#

    /// Maps an nginx variable name to a field.
    public static func field(for name: String) -> Field {
        switch name {
        case "remote_addr", "http_x_real_ip", "binary_remote_addr_text": return .client
        case "time_local": return .timeLocal
        case "time_iso8601": return .timeISO8601
        case "msec": return .epochSeconds
        case "request": return .request
        case "request_method": return .method
        case "request_uri": return .uri
        case "uri", "document_uri": return .path
        case "args", "query_string": return .query
        case "status": return .status
        case "body_bytes_sent", "bytes_sent": return .responseBytes
        case "request_length": return .requestBytes
        case "request_time", "upstream_response_time": return .latencySeconds
        case "request_time_ms", "duration_ms": return .latencyMilliseconds
        case "http_referer", "http_referrer": return .referrer
        case "http_user_agent": return .userAgent
        case "geoip_country_code", "geoip2_country_code", "http_cf_ipcountry", "country": return .country
        case "session_id", "http_x_session_id": return .session
        case "sent_http_content_type", "content_type": return .contentType
        default:
            if name.hasPrefix("cookie_") || name.hasPrefix("arg_") { return .secret }
            if name.hasPrefix("http_") || name.hasPrefix("sent_http_") {
                let header = name.hasPrefix("sent_http_") ? name.dropFirst("sent_http_".count) : name.dropFirst("http_".count)
                if Redactor.isSecretHeader(String(header.map { $0 == "_" ? "-" : $0 })) { return .secret }
            }
            return .ignored
        }
    }

    /// Compiles a pattern.
    public init(_ pattern: String) throws(PatternError) {
        let bytes = Array(pattern.utf8)
        var tokens: [Token] = []
        var literal: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            guard byte == UInt8(ascii: "$") else { literal.append(byte); index += 1; continue }
            var nameStart = index + 1
            var braced = false
            if nameStart < bytes.count && bytes[nameStart] == UInt8(ascii: "{") { braced = true; nameStart += 1 }
            var nameEnd = nameStart
            while nameEnd < bytes.count {
                let c = bytes[nameEnd]
                guard (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c == UInt8(ascii: "_") else { break }
                nameEnd += 1
            }
            guard nameEnd > nameStart else { throw PatternError(message: "pattern byte \(index): '$' without a variable name") }
            if braced {
                guard nameEnd < bytes.count, bytes[nameEnd] == UInt8(ascii: "}") else { throw PatternError(message: "pattern byte \(index): '${' without '}'") }
            }
            if !literal.isEmpty { tokens.append(.literal(literal)); literal = [] }
            if case .variable(let previous, _)? = tokens.last {
                throw PatternError(message: "pattern byte \(index): variables $\(previous) and the next one need literal text between them")
            }
            let name = String(decoding: bytes[nameStart..<nameEnd], as: UTF8.self)
            tokens.append(.variable(name: name, field: Self.field(for: name)))
            index = nameEnd + (braced ? 1 : 0)
        }
        if !literal.isEmpty { tokens.append(.literal(literal)) }
        guard tokens.contains(where: { if case .variable(_, let f) = $0 { return f == .timeLocal || f == .timeISO8601 || f == .epochSeconds }; return false }) else {
            throw PatternError(message: "pattern has no time variable ($time_local, $time_iso8601 or $msec)")
        }
        guard tokens.contains(where: { if case .variable(_, let f) = $0 { return f == .request || f == .uri || f == .path }; return false }) else {
            throw PatternError(message: "pattern has no request variable ($request, $request_uri or $uri)")
        }
        self.tokens = tokens
        self.source = pattern
    }
}
