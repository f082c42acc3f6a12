import Profiler

extension Scenario {
    /// The scenario with symbolic routes replaced by the profile's: `@N` is the N-th most
    /// frequent route, `@param` the most frequent route with a parameter; a hot key's
    /// `parameter: @param` is that route's first parameter and `value: @top` its most frequent
    /// observed value (an invented-looking `1` when none was observed).
    public func resolved(against profile: RequestProfile) throws -> Scenario {
        func route(_ text: String, field: String) throws -> String {
            guard text.hasPrefix("@") else { return text }
            if text == "@param" {
                guard let r = profile.routes.first(where: { !$0.parameters.isEmpty }) else {
                    throw SynthesisError.invalidOption(field: field, detail: "'@param' needs a route with a parameter; the profile has none")
                }
                return r.route
            }
            guard let n = Int(text.dropFirst()), n >= 1, n <= profile.routes.count else {
                throw SynthesisError.invalidOption(field: field, detail: "'\(text)': the profile has \(profile.routes.count) routes (use @1…@\(profile.routes.count) or @param)")
            }
            return profile.routes[n - 1].route
        }
        var copy = self
        for i in copy.events.indices {
            for j in copy.events[i].mix.indices {
                copy.events[i].mix[j].route = try route(copy.events[i].mix[j].route, field: "events[\(i)].mix[\(j)].route")
            }
            if var hot = copy.events[i].hotKey {
                hot.route = try route(hot.route, field: "events[\(i)].hotKey.route")
                let model = profile.routes.first { $0.route == hot.route }
                if hot.parameter == "@param" {
                    guard let first = model?.parameters.first else {
                        throw SynthesisError.invalidOption(field: "events[\(i)].hotKey.parameter", detail: "route '\(hot.route)' has no parameter")
                    }
                    hot.parameter = first.name
                }
                if hot.value == "@top" {
                    hot.value = model?.parameters.first { $0.name == hot.parameter }?.values.top.first?.value ?? "1"
                }
                copy.events[i].hotKey = hot
            }
        }
        return copy
    }
}
