/// The sample shop's pages, agents and countries: the fixed vocabulary the generator draws from.
enum SamplePage: Int, CaseIterable, Sendable {
    case home, search, category, product, reviews, addToCart, cart, checkout, login, recommendations, asset

    /// Session-walk weights from this page to each page (by raw value), the last entry being "leave".
    var transitions: [Double] {
        switch self {
        //                 home  srch  cat   prod  rev   add   cart  chk   login recs  asset exit
        case .home:            [0,   0.30, 0.25, 0.20, 0,    0,    0,    0,    0.05, 0.10, 0,    0.10]
        case .search:          [0,   0.15, 0.10, 0.50, 0,    0,    0,    0,    0,    0,    0,    0.25]
        case .category:        [0,   0.10, 0.15, 0.55, 0,    0,    0,    0,    0,    0,    0,    0.20]
        case .product:         [0,   0.10, 0.10, 0.20, 0.15, 0.20, 0,    0,    0,    0.10, 0,    0.15]
        case .reviews:         [0,   0,    0,    0.40, 0,    0.20, 0,    0,    0,    0,    0,    0.40]
        case .addToCart:       [0,   0,    0,    0.30, 0,    0,    0.50, 0.10, 0,    0,    0,    0.10]
        case .cart:            [0,   0,    0,    0.20, 0,    0,    0,    0.50, 0,    0,    0,    0.30]
        case .checkout:        [0.20, 0,   0,    0,    0,    0,    0,    0,    0,    0,    0,    0.80]
        case .login:           [0.50, 0,   0,    0,    0,    0,    0.30, 0,    0,    0,    0,    0.20]
        case .recommendations: [0,   0,    0,    0.60, 0,    0,    0,    0,    0,    0,    0,    0.40]
        case .asset:           [1,   0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0]
        }
    }

    /// Median response size in bytes.
    var medianResponseBytes: Double {
        switch self {
        case .home: 14_000
        case .search: 26_000
        case .category: 31_000
        case .product: 18_500
        case .reviews: 7_800
        case .addToCart: 420
        case .cart: 5_200
        case .checkout: 2_100
        case .login: 0
        case .recommendations: 3_300
        case .asset: 241_337
        }
    }
}

/// A family of user agents with concrete strings and a weight.
struct SampleAgentFamily: Sendable {
    enum Kind: Sendable { case desktop, mobile, bot, tool }
    var kind: Kind
    var weight: Double
    var agents: [String]

    static let all: [SampleAgentFamily] = [
        SampleAgentFamily(kind: .desktop, weight: 0.52, agents: [
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36",
        ]),
        SampleAgentFamily(kind: .mobile, weight: 0.36, agents: [
            "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
            "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
            "Mozilla/5.0 (Linux; Android 13; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Mobile Safari/537.36",
        ]),
        SampleAgentFamily(kind: .bot, weight: 0.08, agents: [
            "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
            "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        ]),
        SampleAgentFamily(kind: .tool, weight: 0.04, agents: [
            "curl/8.5.0", "python-requests/2.32.3", "Go-http-client/1.1",
        ]),
    ]
}

/// Countries with their share of sessions and an address prefix (first two octets) per country.
struct SampleCountry: Sendable {
    var code: String
    var weight: Double
    var prefix: (UInt8, UInt8)

    static let all: [SampleCountry] = [
        SampleCountry(code: "US", weight: 0.38, prefix: (23, 20)),
        SampleCountry(code: "DE", weight: 0.12, prefix: (91, 64)),
        SampleCountry(code: "GB", weight: 0.10, prefix: (81, 2)),
        SampleCountry(code: "IN", weight: 0.10, prefix: (49, 36)),
        SampleCountry(code: "FR", weight: 0.08, prefix: (90, 4)),
        SampleCountry(code: "BR", weight: 0.08, prefix: (177, 12)),
        SampleCountry(code: "JP", weight: 0.07, prefix: (126, 72)),
        SampleCountry(code: "CA", weight: 0.04, prefix: (99, 224)),
        SampleCountry(code: "AU", weight: 0.03, prefix: (101, 160)),
    ]
}

/// Search terms and category names.
enum SampleVocabulary {
    static let searchTerms = [
        "shoes", "jacket", "headphones", "coffee", "lamp", "backpack", "watch", "sofa", "tent",
        "keyboard", "monitor", "kettle", "scarf", "boots", "camera", "desk", "chair", "mug",
        "blender", "jeans", "dress", "sneakers", "charger", "speaker", "pillow",
    ]
    static let categories = [
        "electronics", "fashion", "home", "garden", "sports", "toys", "books", "beauty",
        "kitchen", "office", "outdoor", "music",
    ]
}
