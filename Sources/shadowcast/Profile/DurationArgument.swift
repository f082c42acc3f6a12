import ArgumentParser

/// A duration on the command line: `500ms`, `30s`, `1m`, `2h`, `1d`, or plain seconds.
struct DurationArgument: ExpressibleByArgument, Sendable, Equatable, CustomStringConvertible {
    /// Seconds.
    var seconds: Double

    init(seconds: Double) {
        self.seconds = seconds
    }

    init?(argument: String) {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86_400), ("w", 604_800)]
        let text = argument.trimmingCharacters(in: .whitespaces).lowercased()
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            let number = text.dropLast(suffix.count)
            if let value = Double(number), value.isFinite, value > 0 {
                self.seconds = value * scale
                return
            }
        }
        guard let value = Double(text), value.isFinite, value > 0 else { return nil }
        self.seconds = value
    }

    var description: String {
        if seconds >= 3600 && seconds.truncatingRemainder(dividingBy: 3600) == 0 { return "\(Int(seconds / 3600))h" }
        if seconds >= 60 && seconds.truncatingRemainder(dividingBy: 60) == 0 { return "\(Int(seconds / 60))m" }
        if seconds >= 1 && seconds.truncatingRemainder(dividingBy: 1) == 0 { return "\(Int(seconds))s" }
        return "\(seconds)s"
    }
}

import Foundation
