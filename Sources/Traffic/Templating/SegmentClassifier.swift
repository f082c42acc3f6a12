/// Recognises path segments that are values, not names: numbers, UUIDs, hex hashes, dates and
/// long random tokens.
public enum SegmentKind: String, Sendable, Equatable, CaseIterable {
    /// Decimal digits (`42`) → `{id}`.
    case integer
    /// `8-4-4-4-12` hex → `{uuid}`.
    case uuid
    /// Hex of 16+ characters, or 7+ mixing digits and letters (`a3f9c2e`) → `{hash}`.
    case hex
    /// `2024-05-17`, `2024_05_17` → `{date}`.
    case date
    /// 20+ characters of letters and digits mixed, base64url alphabet → `{param}` (secret-like).
    case token
    /// A literal collapsed for high cardinality (only produced when collapsing) → `{param}`.
    case text

    /// The default parameter name in templates.
    public var parameterName: String {
        switch self {
        case .integer: return "id"
        case .uuid: return "uuid"
        case .hex: return "hash"
        case .date: return "date"
        case .token, .text: return "param"
        }
    }

    /// Classifies one segment (without slashes); `nil` means "a literal name".
    public static func classify(_ p: UnsafePointer<UInt8>, _ count: Int) -> SegmentKind? {
        guard count > 0 else { return nil }
        var digits = 0, hexLetters = 0, letters = 0, other = 0, dashes = 0, upper = 0
        for i in 0..<count {
            let c = p[i]
            switch c {
            case 48...57: digits += 1
            case 97...102: hexLetters += 1; letters += 1
            case 65...70: hexLetters += 1; letters += 1; upper += 1
            case 103...122: letters += 1
            case 71...90: letters += 1; upper += 1
            case UInt8(ascii: "-"): dashes += 1
            case UInt8(ascii: "_"): other += 1
            default: return nil  // dots, tildes, percent-escapes: names or files, keep literal
            }
        }
        if digits == count { return .integer }
        if count == 36 && dashes == 4 && p[8] == UInt8(ascii: "-") && p[13] == UInt8(ascii: "-") && p[18] == UInt8(ascii: "-")
            && p[23] == UInt8(ascii: "-") && digits + hexLetters == 32 { return .uuid }
        if count == 10 && digits == 8 && (p[4] == UInt8(ascii: "-") || p[4] == UInt8(ascii: "_")) && p[7] == p[4] {
            let month = Int(p[5] - 48) * 10 + Int(p[6] - 48)
            let day = Int(p[8] - 48) * 10 + Int(p[9] - 48)
            if month >= 1 && month <= 12 && day >= 1 && day <= 31 { return .date }
        }
        if dashes == 0 && other == 0 && digits + hexLetters == count {
            if count >= 16 || (count >= 7 && digits > 0 && hexLetters > 0) { return .hex }
        }
        if count >= 20 && digits >= 2 && letters >= 2 && dashes + other <= count / 4 {
            // Random-looking: digits spread through letters (not `release-2013-notes-final-version`).
            var transitions = 0
            var previousDigit = p[0] >= 48 && p[0] <= 57
            for i in 1..<count {
                let isDigit = p[i] >= 48 && p[i] <= 57
                if isDigit != previousDigit { transitions += 1 }
                previousDigit = isDigit
            }
            if transitions >= 4 || (upper > 0 && upper < letters && transitions >= 2) { return .token }
        }
        return nil
    }

    /// Whether a value (parameter or query value) looks like a secret and must not be stored:
    /// long random tokens, JWT-like `eyJ…` strings, long hex or base64 blobs.
    public static func looksSecret(_ p: UnsafePointer<UInt8>?, _ count: Int) -> Bool {
        guard let p, count >= 16 else { return false }
        if count >= 20 && p[0] == UInt8(ascii: "e") && p[1] == UInt8(ascii: "y") && p[2] == UInt8(ascii: "J") { return true }
        var digits = 0, lower = 0, upper = 0, symbols = 0, hex = 0, transitions = 0
        var previousClass = -1
        for i in 0..<count {
            let c = p[i]
            let charClass: Int
            switch c {
            case 48...57: digits += 1; hex += 1; charClass = 0
            case 97...122: lower += 1; if c <= 102 { hex += 1 }; charClass = 1
            case 65...90: upper += 1; charClass = 2
            case UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "+"), UInt8(ascii: "/"), UInt8(ascii: "="), UInt8(ascii: "%"): symbols += 1; charClass = 3
            default: return false  // spaces and other text: words, not tokens
            }
            if previousClass >= 0 && charClass != previousClass { transitions += 1 }
            previousClass = charClass
        }
        if hex == count && count >= 24 && digits >= 4 { return true }
        let classes = (digits > 0 ? 1 : 0) + (lower > 0 ? 1 : 0) + (upper > 0 ? 1 : 0)
        // Random tokens switch character class constantly; slugs and words rarely do.
        if classes >= 3 && transitions * 2 >= count { return true }
        if classes >= 2 && digits >= 4 && count >= 24 && symbols * 8 < count && transitions * 4 >= count { return true }
        return false
    }
}
