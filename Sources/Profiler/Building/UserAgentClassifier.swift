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
        if agent.isEmpty || agent == "-" { return "unknown" }
        let lower = agent.lowercased()
        if botWords.contains(where: { lower.contains($0) }) { return "bot" }
        if cliPrefixes.contains(where: { lower.hasPrefix($0) }) { return "cli" }
        if libraryWords.contains(where: { lower.contains($0) }) { return "library" }
        if lower.hasPrefix("mozilla/") || lower.hasPrefix("opera/") {
            return mobileWords.contains(where: { lower.contains($0) }) ? "mobile" : "browser"
        }
        if mobileWords.contains(where: { lower.contains($0) }) { return "mobile" }
        return "library"
    }
}
