import Profiler
import Traffic

/// What an invented value looks like (`ParameterModel.kind`).
public enum ValueKind: String, Sendable, CaseIterable {
    case integer, uuid, hex, date, token, text

    /// The kind named in a profile; unknown names read as `text`.
    public init(profileKind: String) { self = ValueKind(rawValue: profileKind) ?? .text }
}

/// Samples one parameter or query value from a ``ValueModel``: with probability `topWeight` an
/// observed top value by weight, otherwise an invented value of the parameter's kind whose rank
/// beyond the top list follows the fitted Zipf tail (so invented ids repeat like real ones).
struct ValueSampler: Sendable, Equatable {
    let top: [ByteRef]
    let topAlias: AliasTable
    let topWeight: Double
    /// `topWeight` as a ``RequestRandom/chance(_:)`` threshold.
    let topWeightThreshold: UInt64
    let kind: ValueKind
    let minLength: Int
    let maxLength: Int
    let tail: ZipfTail
    let salt: UInt64
    /// Upper bound of any written value's length.
    let maxBytes: Int

    init(model: ValueModel?, kind: ValueKind, salt: UInt64, pool: inout BytePool) {
        var refs: [ByteRef] = []
        var weights: [Double] = []
        var longest = 0
        for value in model?.top ?? [] where value.weight > 0 && !value.value.isEmpty {
            let bytes = percentEncodedForTarget(value.value)
            refs.append(pool.add(bytes))
            weights.append(value.weight)
            longest = max(longest, bytes.count)
        }
        top = refs
        topAlias = AliasTable(weights: weights)
        let observedTop = weights.reduce(0, +)
        topWeight = refs.isEmpty ? 0 : min(1, max(0, model?.topWeight ?? observedTop))
        topWeightThreshold = probabilityThreshold(topWeight)
        self.kind = kind
        let lo = max(1, min(model?.minLength ?? 1, 48))
        let hi = max(lo, min(model?.maxLength ?? 8, 48))
        switch kind {
        case .integer:
            minLength = lo == 1 && hi == 1 ? 1 : lo
            maxLength = hi
        default:
            minLength = lo
            maxLength = hi
        }
        let firstRank = refs.count + 1
        let lastRank = max(firstRank + 1000, model?.distinctEstimate ?? 0)
        tail = ZipfTail(first: firstRank, last: lastRank, exponent: model?.zipfExponent ?? 1)
        self.salt = salt
        maxBytes = max(longest, max(maxLength, 36))
    }

    /// Writes one sampled value (at most ``maxBytes`` bytes).
    @inline(__always)
    func write(_ out: inout ByteCursor, pool: UnsafePointer<UInt8>, random: inout RequestRandom) {
        if topWeightThreshold != 0, random.chance(topWeightThreshold) {
            out.copy(top[topAlias.sample(bits: random.next())], from: pool)
        } else {
            writeInvented(rank: tail.sample(unit: random.nextUnit()), &out)
        }
    }

    /// Writes the invented value of a rank (deterministic: a rank always gives the same value).
    /// Digits and letters are cut from one 64-bit mix at a time.
    func writeInvented(rank: UInt64, _ out: inout ByteCursor) {
        var h = mix64(rank ^ salt)
        let span = UInt64(maxLength - minLength + 1)
        let length = minLength + Int(h % span)
        switch kind {
        case .integer:
            h = mix64(h)
            out.byte(UInt8(truncatingIfNeeded: 49 &+ h % 9))
            h /= 9
            var left = 18
            for _ in 1..<max(length, 1) {
                if left == 0 { h = mix64(h &+ 1); left = 19 }
                out.byte(UInt8(truncatingIfNeeded: 48 &+ h % 10))
                h /= 10
                left -= 1
            }
        case .uuid:
            let hexDigits: StaticString = "0123456789abcdef"
            let digits = hexDigits.utf8Start
            var a = mix64(h), b = mix64(a)
            for position in 0..<36 {
                if position == 8 || position == 13 || position == 18 || position == 23 {
                    out.byte(45)
                    continue
                }
                out.byte(digits[Int(a & 15)])
                a = (a >> 4) | (b << 60)
                b >>= 4
            }
        case .hex:
            let hexDigits: StaticString = "0123456789abcdef"
            let digits = hexDigits.utf8Start
            var left = 0
            for _ in 0..<length {
                if left == 0 { h = mix64(h); left = 16 }
                out.byte(digits[Int(h & 15)])
                h >>= 4
                left -= 1
            }
        case .date:
            let year = 2000 + Int(rank / 336 % 30)
            let month = 1 + Int(rank / 28 % 12)
            let day = 1 + Int(rank % 28)
            out.decimal(year)
            out.byte(45)
            if month < 10 { out.byte(48) }
            out.decimal(month)
            out.byte(45)
            if day < 10 { out.byte(48) }
            out.decimal(day)
        case .token, .text:
            let alphabet: StaticString = "abcdefghijklmnopqrstuvwxyz0123456789"
            let letters = alphabet.utf8Start
            // Constant radixes (26 letters; 36 letters and digits after a token's first
            // character), so that `%` and `/` compile to multiplications, not divisions.
            var left = 0
            for index in 0..<length {
                if left == 0 { h = mix64(h); left = 12 }
                if kind == .text || index == 0 {
                    out.byte(letters[Int(h % 26)])
                    h /= 26
                } else {
                    out.byte(letters[Int(h % 36)])
                    h /= 36
                }
                left -= 1
            }
        }
    }
}
