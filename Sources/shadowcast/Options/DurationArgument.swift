import ArgumentParser
import Foundation

/// A duration on the command line, the one type every verb's duration flag takes.
///
/// Accepted: a non-negative number followed by a unit — `ns`, `us` (or `µs`), `ms`, `s`, `m`
/// (minutes), `h`, `d`, `w` — or a plain number of seconds: `250us`, `500ms`, `10s`, `1.5m`, `1h`,
/// `1d`, `300`. Units are case-insensitive and surrounding spaces are ignored. Anything else is
/// refused by the argument parser ("The value '5x' is invalid for '--step <step>'", followed by the
/// flag's help). Zero parses; flags that need a positive value check that in `validate()`.
struct DurationArgument: ExpressibleByArgument, Sendable, Hashable, CustomStringConvertible {
    /// The length, to the nanosecond.
    let duration: Duration
    /// As written on the command line (or a compact form when made from seconds): what help
    /// shows as the default and what messages quote.
    let text: String

    /// Units by suffix, longest first so that `ms` is not read as `m` followed by `s`.
    private static let units: [(suffix: String, nanoseconds: Double)] = [
        ("ns", 1), ("us", 1e3), ("µs", 1e3), ("ms", 1e6),
        ("s", 1e9), ("m", 60e9), ("h", 3_600e9), ("d", 86_400e9), ("w", 604_800e9),
    ]

    init?(argument: String) {
        guard let duration = Self.parse(argument) else { return nil }
        self.duration = duration
        self.text = argument
    }

    /// A default of the program: `seconds` (0 up to centuries) rounded to the nanosecond,
    /// written compactly (`1m`, `30m`, `2h`).
    init(seconds: Double) {
        duration = .nanoseconds(Int64((seconds * 1e9).rounded()))
        text = Self.compactText(seconds: seconds)
    }

    /// `seconds` in the largest whole unit that fits (`2h`, `30m`, `45s`), else as seconds (`0.5s`).
    static func compactText(seconds: Double) -> String {
        guard seconds < 1e15 else { return "\(seconds)s" }  // whole-number paths below fit an Int
        if seconds >= 3600 && seconds.truncatingRemainder(dividingBy: 3600) == 0 { return "\(Int(seconds / 3600))h" }
        if seconds >= 60 && seconds.truncatingRemainder(dividingBy: 60) == 0 { return "\(Int(seconds / 60))m" }
        if seconds >= 1 && seconds.truncatingRemainder(dividingBy: 1) == 0 { return "\(Int(seconds))s" }
        return "\(seconds)s"
    }

    /// The duration `text` stands for, or nil when it is not one of the accepted forms.
    static func parse(_ text: String) -> Duration? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        var number = Substring(trimmed)
        var scale = 1e9  // a plain number is seconds
        if let unit = units.first(where: { trimmed.hasSuffix($0.suffix) }) {
            number = trimmed.dropLast(unit.suffix.count)
            scale = unit.nanoseconds
        }
        // Double("") is nil, so a bare unit is refused; the bound keeps the count in an Int64.
        guard let value = Double(number), value.isFinite, value >= 0, value * scale < 0x1p63 else { return nil }
        return .nanoseconds(Int64((value * scale).rounded()))
    }

    /// Seconds, as a floating-point number.
    var seconds: Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// Milliseconds, as a floating-point number.
    var milliseconds: Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }

    var description: String { text }

    /// Two durations are equal when they are equally long, however they were written.
    static func == (lhs: Self, rhs: Self) -> Bool { lhs.duration == rhs.duration }
    func hash(into hasher: inout Hasher) { hasher.combine(duration) }
}
