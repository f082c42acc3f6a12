import ArgumentParser

/// A duration written as a number with a unit (`500ms`, `30s`, `10m`, `2h`, `1d`), as taken by
/// `--duration`, `--predict-ahead` and `--mirror-timeout`.
struct DurationText: ExpressibleByArgument, Sendable, Hashable, CustomStringConvertible {
    let duration: Duration
    let text: String

    init?(argument: String) {
        guard let parsed = Self.parse(argument) else { return nil }
        duration = parsed
        text = argument
    }

    static func parse(_ text: String) -> Duration? {
        let units: [(suffix: String, seconds: Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400)]
        for unit in units where text.hasSuffix(unit.suffix) {
            let number = text.dropLast(unit.suffix.count)
            // "10ms" also ends in "s": only accept when the rest is a plain number.
            guard let value = Double(number), value.isFinite, value >= 0 else { continue }
            return .nanoseconds(Int64((value * unit.seconds * 1e9).rounded()))
        }
        return nil
    }

    var description: String { text }

    static var defaultCompletionKind: CompletionKind { .default }
}
