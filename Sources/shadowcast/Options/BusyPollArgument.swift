import ArgumentParser
import Foundation
import Shadowcast

/// `--busy-poll` of the emitting verbs: `auto` (the adaptive budget), `0` (never polls) or a
/// duration (that fixed budget; any zero duration, e.g. `0us`, is `0`). Other text is refused by
/// the argument parser; the 1 s bound is checked in `validate()` so its message names it.
enum BusyPollArgument: ExpressibleByArgument, Sendable, Hashable, CustomStringConvertible {
    case auto
    case off
    case fixed(DurationArgument)

    init?(argument: String) {
        let trimmed = argument.trimmingCharacters(in: .whitespaces).lowercased()
        if trimmed == "auto" { self = .auto; return }
        guard let duration = DurationArgument(argument: argument) else { return nil }
        self = duration.duration == .zero ? .off : .fixed(duration)
    }

    var description: String {
        switch self {
        case .auto: "auto"
        case .off: "0"
        case .fixed(let duration): duration.description
        }
    }

    var defaultValueDescription: String { description }

    /// The engine's setting.
    var setting: EmissionConfiguration.BusyPoll {
        switch self {
        case .auto: .adaptive
        case .off: .off
        case .fixed(let duration): .fixed(duration.duration)
        }
    }
}
