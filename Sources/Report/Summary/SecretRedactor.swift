import Foundation

/// Removes secrets from command lines and URLs before they go into a summary or report.
///
/// Redacts: values of `Authorization`, `Proxy-Authorization`, `Cookie` and `Set-Cookie`
/// headers given as `Name: value` arguments; credentials in URLs (`user:pass@`); and values of
/// credential-like query parameters (token, key, secret, password, auth, session, signature…).
public enum SecretRedactor {
    /// What replaces a secret.
    public static let mask = "REDACTED"

    static let secretHeaders: Set<String> = ["authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key"]
    static let secretQueryHints = ["token", "key", "secret", "password", "passwd", "pwd", "auth", "session", "signature", "sig", "credential", "jwt"]

    /// Redacts every argument of a command line.
    public static func redact(command: [String]) -> [String] {
        command.map(redact(argument:))
    }

    /// Redacts one argument: a `Header: value` pair, a URL, or a `--flag=value` containing either.
    public static func redact(argument: String) -> String {
        if let colon = argument.firstIndex(of: ":") {
            let name = argument[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            let bareName = name.split(separator: "=").last.map(String.init) ?? name
            if secretHeaders.contains(bareName) {
                return String(argument[...colon]) + " " + mask
            }
        }
        return redact(url: argument)
    }

    /// Redacts userinfo and credential-like query values in a URL-looking string.
    public static func redact(url: String) -> String {
        var text = url
        // user:password@host
        if let scheme = text.range(of: "://") {
            let afterScheme = text[scheme.upperBound...]
            let authorityEnd = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? afterScheme.endIndex
            if let at = afterScheme[..<authorityEnd].lastIndex(of: "@") {
                text.replaceSubrange(scheme.upperBound..<at, with: mask)
            }
        }
        guard let question = text.firstIndex(of: "?") else { return text }
        let fragmentStart = text[question...].firstIndex(of: "#") ?? text.endIndex
        let query = text[text.index(after: question)..<fragmentStart]
        let redactedPairs = query.split(separator: "&", omittingEmptySubsequences: false).map { pair -> String in
            guard let eq = pair.firstIndex(of: "=") else { return String(pair) }
            let name = pair[..<eq].lowercased()
            if secretQueryHints.contains(where: { name.contains($0) }) {
                return String(pair[...eq]) + mask
            }
            return String(pair)
        }
        text.replaceSubrange(text.index(after: question)..<fragmentStart, with: redactedPairs.joined(separator: "&"))
        return text
    }
}
