/// The method and request target of a sample page visit.
enum SampleRequestLine {
    static func make(page: SamplePage, parameter: Int32, user: Int32, session: UInt32) -> (method: String, target: String) {
        switch page {
        case .home: return ("GET", "/")
        case .search:
            let terms = SampleVocabulary.searchTerms
            let term = terms[Int(parameter) % terms.count]
            return ("GET", "/search?q=\(term)&page=\(Int(parameter) / terms.count + 1)")
        case .category: return ("GET", "/category/\(SampleVocabulary.categories[Int(parameter) % SampleVocabulary.categories.count])")
        case .product: return ("GET", "/products/\(parameter)")
        case .reviews: return ("GET", "/products/\(parameter)/reviews?page=1")
        case .addToCart: return ("POST", "/cart/items")
        case .cart: return ("GET", "/cart")
        case .checkout: return ("POST", "/checkout")
        case .login: return ("POST", "/login")
        case .recommendations:
            // A credential in the query string, as real logs have: the profiler must redact it.
            let token = String(UInt64(bitPattern: Int64(session) &* 0x2545_f491_4f6c_dd1d), radix: 16)
            return ("GET", "/api/recommendations?user=\(user)&access_token=\(token)")
        case .asset: return ("GET", "/static/app.3f9c2e1a.js")
        }
    }
}

/// Formats epoch seconds as a Common/Combined Log Format timestamp (`16/Nov/2026:10:05:03 +0000`).
enum CombinedTimestamp {
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    static func format(_ epochSeconds: Double) -> String {
        let seconds = Int64(epochSeconds.rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = Int(seconds - days * 86_400)
        let (year, month, day) = civilDate(daysSinceEpoch: days)
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(two(day))/\(months[month - 1])/\(year):\(two(secondOfDay / 3_600)):\(two(secondOfDay / 60 % 60)):\(two(secondOfDay % 60)) +0000"
    }

    /// Civil date from days since 1970-01-01 (proleptic Gregorian).
    static func civilDate(daysSinceEpoch: Int64) -> (year: Int, month: Int, day: Int) {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = Int(doy - (153 * mp + 2) / 5 + 1)
        let month = Int(mp < 10 ? mp + 3 : mp - 9)
        let year = Int(yoe + era * 400) + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }
}
