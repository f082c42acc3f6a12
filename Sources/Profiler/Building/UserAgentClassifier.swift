import Traffic

/// Sorts user agents into families: `bot`, `cli`, `library`, `mobile`, `browser`, `unknown`.
/// Bots are checked first (many bots claim `Mozilla/5.0 (compatible; …bot…)`).
public enum UserAgentClassifier {
    /// Families in the order they are reported.
    public static let families = ["browser", "mobile", "bot", "cli", "library", "unknown"]

    private static let botWords = ["bot", "crawl", "spider", "slurp", "scrape", "feedfetcher", "monitor", "pingdom", "uptime",
                                   "facebookexternalhit", "preview", "archiver", "validator", "checker", "scan", "yandex",
                                   "baidu", "bingpreview", "mediapartners", "feed", "rss", "portscout", "nutch", "heritrix"]
    private static let cliPrefixes = ["curl/", "wget/", "httpie/", "xh/", "wrk", "ab/", "apachebench", "hey/", "vegeta", "k6/",
                                      "siege", "lynx/", "links", "w3m/", "powershell", "fetch"]
    private static let libraryWords = ["python-requests", "python-urllib", "python/", "aiohttp", "httpx", "go-http-client",
                                       "java/", "okhttp", "apache-httpclient", "jakarta", "libwww-perl", "lwp::", "ruby",
                                       "faraday", "axios", "node-fetch", "undici", "got (", "php/", "guzzle", "dart",
                                       "restsharp", "reactor-netty", "urlgrabber", "winhttp", "cfnetwork", "libcurl", "http_request"]
    private static let mobileWords = ["mobile", "android", "iphone", "ipad", "ipod", "windows phone", "blackberry", "opera mini", "silk/"]

    /// The family of a user agent (`-` or empty → `unknown`).
    public static func family(of agent: String) -> String {
        var agent = agent
        return agent.withUTF8 { family(of: ByteSpan(start: $0.baseAddress, count: $0.count)) }
    }

    /// The family of a user agent given as bytes (ASCII case-insensitive matching, no allocation
    /// beyond a small lowercase copy).
    public static func family(of agent: ByteSpan) -> String {
        guard let base = agent.start, agent.count > 0, !(agent.count == 1 && base[0] == UInt8(ascii: "-")) else { return "unknown" }
        let lower = (0..<agent.count).map { base[$0] >= 65 && base[$0] <= 90 ? base[$0] | 0x20 : base[$0] }
        func contains(_ word: [UInt8]) -> Bool {
            guard word.count <= lower.count else { return false }
            for start in 0...(lower.count - word.count) where lower[start] == word[0] {
                var index = 1
                while index < word.count && lower[start + index] == word[index] { index += 1 }
                if index == word.count { return true }
            }
            return false
        }
        func hasPrefix(_ word: [UInt8]) -> Bool { word.count <= lower.count && lower[0..<word.count].elementsEqual(word) }
        if botBytes.contains(where: contains) { return "bot" }
        if cliBytes.contains(where: hasPrefix) { return "cli" }
        if libraryBytes.contains(where: contains) { return "library" }
        if hasPrefix(Array("mozilla/".utf8)) || hasPrefix(Array("opera/".utf8)) {
            return mobileBytes.contains(where: contains) ? "mobile" : "browser"
        }
        if mobileBytes.contains(where: contains) { return "mobile" }
        return "library"
    }

    private static let botBytes = botWords.map { Array($0.utf8) }
    private static let cliBytes = cliPrefixes.map { Array($0.utf8) }
    private static let libraryBytes = libraryWords.map { Array($0.utf8) }
    private static let mobileBytes = mobileWords.map { Array($0.utf8) }
}
