import Foundation
import Traffic

/// Removes secrets from command lines and URLs before they go into a summary or report.
/// Which headers and query keys are secret is `Traffic.Redactor`'s rule, the one the profiler
/// and the proxy apply to traffic.
///
/// Redacts: values of `Authorization`, `Proxy-Authorization`, `Cookie` and `Set-Cookie`
/// headers given as `Name: value` arguments; credentials in URLs (`user:pass@`); and values of
/// credential-like query parameters (token, key, secret, password, auth, session, signature…).
public enum SecretRedactor {
    /// What replaces a secret.
    public static let mask = "REDACTED"


    /// Redacts every argument of a command line, including the value after a secret-looking
    /// flag (`--token X`, `--password X`, `--api-key X`) and `--flag=value` forms of those.
    public static func redact(command: [String]) -> [String] {
        var out: [String] = []
        var hideNext = false
        for argument in command {
            if hideNext {
                out.append(mask)
                hideNext = false
                continue
            }
            if argument.hasPrefix("-"), isSecretFlag(argument) {
                if let eq = argument.firstIndex(of: "=") {
                    out.append(String(argument[...eq]) + mask)
                } else {
                    out.append(argument)
                    hideNext = true
                }
                continue
            }
            out.append(redact(argument: argument))
        }
        return out
    }

    /// A flag whose value is a credential: `--token`, `--password`, `--api-key`, `--secret`…
    static func isSecretFlag(_ flag: String) -> Bool {
        let name = flag.drop(while: { $0 == "-" }).prefix(while: { $0 != "=" }).lowercased()
        return ["token", "password", "passwd", "secret", "api-key", "apikey", "api_key", "credential", "cookie", "auth-header"]
            .contains(where: { name.contains($0) })
    }

    /// Redacts one argument: a `Header: value` pair, a URL, or a `--flag=value` containing either.
    public static func redact(argument: String) -> String {
        if let colon = argument.firstIndex(of: ":") {
            let name = argument[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            let bareName = name.split(separator: "=").last.map(String.init) ?? name
            if Redactor.isSecretHeader(bareName) {
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
            if Redactor.isCredentialKey(name) {
                return String(pair[...eq]) + mask
            }
            return String(pair)
        }
        text.replaceSubrange(text.index(after: question)..<fragmentStart, with: redactedPairs.joined(separator: "&"))
        return text
    }
}
