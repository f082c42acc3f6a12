/// The named scenarios shipped with Shadowcast (`--scenario flash-sale`). Each is stored as the
/// YAML that `shadowcast scenario show NAME` prints, and parsed from it, so what is shown is
/// exactly what runs. Routes are symbolic (`@1`, `@param`), resolved against the run's profile.
public enum BuiltinScenarios {
    /// Names in display order.
    public static let names = ["flash-sale", "viral-post", "diurnal-peak", "ramp-to-failure"]

    /// The YAML of a built-in scenario, or `nil` for an unknown name.
    public static func yaml(named name: String) -> String? {
        switch name {
        case "flash-sale":
            return """
            name: flash-sale
            description: "A sale opens after 1 minute: traffic ramps to 5x in 30 s, the second most frequent route takes 30% of requests and a new sale page takes 15%, for 10 minutes, then winds down over 1 minute."
            events:
              - name: sale
                start: 1m
                duration: 10m
                ramp: 30s
                rampDown: 1m
                rate: {multiplier: 5}
                mix:
                  - {route: "@2", share: 0.3}
                surge: {route: "/flash-sale/{id}", method: GET, share: 0.15}

            """
        case "viral-post":
            return """
            name: viral-post
            description: "One item goes viral after 30 s: over 2 minutes traffic triples and its most frequent value takes 60% of the requests of the first parameterised route, for 10 minutes."
            events:
              - name: viral
                start: 30s
                duration: 10m
                ramp: 2m
                rampDown: 1m
                rate: {multiplier: 3}
                hotKey: {route: "@param", parameter: "@param", value: "@top", share: 0.6}

            """
        case "diurnal-peak":
            return """
            name: diurnal-peak
            description: "A daily peak compressed into one hour: traffic climbs for 25 minutes to 2.5x, holds 10 minutes, and falls back over 25 minutes."
            events:
              - name: peak
                start: 0s
                duration: 1h
                ramp: 25m
                rampDown: 25m
                rate: {multiplier: 2.5}

            """
        case "ramp-to-failure":
            return """
            name: ramp-to-failure
            description: "Traffic grows linearly from the profile's rate to 10x over 30 minutes, to find where the target breaks."
            events:
              - name: ramp
                start: 0s
                duration: 30m
                ramp: 30m
                rate: {multiplier: 10}

            """
        default:
            return nil
        }
    }

    /// A built-in scenario, parsed.
    public static func scenario(named name: String) throws -> Scenario? {
        guard let text = yaml(named: name) else { return nil }
        return try Scenario.parse(yaml: text, file: "builtin:\(name)")
    }

    /// A built-in scenario by name, or the scenario file at that path.
    public static func load(nameOrPath: String) throws -> Scenario {
        if let builtin = try scenario(named: nameOrPath) { return builtin }
        return try Scenario.load(path: nameOrPath)
    }
}
