import Foundation
import Yams

extension Scenario {
    /// Reads a scenario from YAML. Errors carry the file, line, column and field.
    ///
    /// ```yaml
    /// name: my-scenario
    /// description: what it models
    /// events:
    ///   - name: sale
    ///     start: 5m          # run time; numbers are seconds; ms/s/m/h/d suffixes
    ///     duration: 20m
    ///     ramp: 1m           # optional linear ramp-up
    ///     rampDown: 2m       # optional linear ramp-down
    ///     rate: {multiplier: 4}          # or {absolute: 5000} (requests per second)
    ///     mix: [{route: /checkout, share: 0.25}]
    ///     hotKey: {route: "/products/{id}", parameter: id, value: "1001", share: 0.3}
    ///     surge: {route: "/sale/{id}", method: GET, share: 0.2, bodyBytes: 0}
    /// ```
    /// Routes may be written `@1`, `@2`… (the profile's most frequent routes) or `@param` (the most
    /// frequent route with a parameter); a hot key's `parameter: @param` and `value: @top` name
    /// that route's first parameter and its most frequent value. See ``resolved(against:)``.
    public static func parse(yaml text: String, file: String) throws -> Scenario {
        let reader = YAMLReader(file: file)
        let root = try reader.root(text)
        let top = try reader.mapping(root, "", allowed: ["name", "description", "events"])
        guard let nameNode = top["name"] else { throw reader.fail(root, "name", "missing (every scenario has a name)") }
        let name = try reader.string(nameNode, "name")
        let description = try top["description"].map { try reader.string($0, "description") } ?? ""
        guard let eventsNode = top["events"] else { throw reader.fail(root, "events", "missing (a list of events)") }
        var events: [ScenarioEvent] = []
        for (i, node) in try reader.sequence(eventsNode, "events").enumerated() {
            events.append(try parseEvent(node, field: "events[\(i)]", reader: reader))
        }
        return Scenario(name: name, description: description, events: events)
    }

    /// Reads a scenario file.
    public static func load(path: String) throws -> Scenario {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SynthesisError.invalidDocument(file: path, line: nil, column: nil, field: "(file)", detail: "cannot read the file")
        }
        return try parse(yaml: String(decoding: data, as: UTF8.self), file: path)
    }

    private static func parseEvent(_ node: Node, field: String, reader: YAMLReader) throws -> ScenarioEvent {
        let m = try reader.mapping(node, field, allowed: ["name", "start", "duration", "ramp", "rampDown", "rate", "mix", "hotKey", "surge"])
        func required(_ key: String) throws -> Node {
            guard let value = m[key] else { throw reader.fail(node, "\(field).\(key)", "missing") }
            return value
        }
        var event = ScenarioEvent(
            name: try m["name"].map { try reader.string($0, "\(field).name") } ?? "",
            start: try reader.duration(try required("start"), "\(field).start"),
            duration: try reader.duration(try required("duration"), "\(field).duration"))
        if let ramp = m["ramp"] { event.ramp = try reader.duration(ramp, "\(field).ramp") }
        if let rampDown = m["rampDown"] { event.rampDown = try reader.duration(rampDown, "\(field).rampDown") }
        if event.duration <= 0 { throw reader.fail(m["duration"], "\(field).duration", "must be positive") }
        if event.ramp + event.rampDown > event.duration {
            throw reader.fail(m["ramp"] ?? m["rampDown"], "\(field).ramp", "ramp + rampDown (\(event.ramp + event.rampDown) s) exceed the duration (\(event.duration) s)")
        }
        if let rateNode = m["rate"] {
            let rate = try reader.mapping(rateNode, "\(field).rate", allowed: ["multiplier", "absolute"])
            switch (rate["multiplier"], rate["absolute"]) {
            case let (multiplier?, nil): event.rate = .multiplier(try reader.number(multiplier, "\(field).rate.multiplier", range: 0...1e6))
            case let (nil, absolute?): event.rate = .absolute(try reader.number(absolute, "\(field).rate.absolute", range: 0...1e9))
            default: throw reader.fail(rateNode, "\(field).rate", "give exactly one of 'multiplier' or 'absolute'")
            }
        }
        if let mixNode = m["mix"] {
            for (j, entry) in try reader.sequence(mixNode, "\(field).mix").enumerated() {
                let path = "\(field).mix[\(j)]"
                let shift = try reader.mapping(entry, path, allowed: ["route", "share"])
                guard let route = shift["route"], let share = shift["share"] else { throw reader.fail(entry, path, "needs 'route' and 'share'") }
                event.mix.append(.init(route: try reader.string(route, "\(path).route"), share: try reader.number(share, "\(path).share", range: 0...1)))
            }
            if event.mix.reduce(0, { $0 + $1.share }) > 1 { throw reader.fail(mixNode, "\(field).mix", "shares add up to more than 1") }
        }
        if let hotNode = m["hotKey"] {
            let path = "\(field).hotKey"
            let hot = try reader.mapping(hotNode, path, allowed: ["route", "parameter", "value", "share"])
            for key in ["route", "parameter", "value", "share"] where hot[key] == nil { throw reader.fail(hotNode, "\(path).\(key)", "missing") }
            event.hotKey = .init(
                route: try reader.string(hot["route"]!, "\(path).route"), parameter: try reader.string(hot["parameter"]!, "\(path).parameter"),
                value: try reader.string(hot["value"]!, "\(path).value"), share: try reader.number(hot["share"]!, "\(path).share", range: 0...1))
        }
        if let surgeNode = m["surge"] {
            let path = "\(field).surge"
            let surge = try reader.mapping(surgeNode, path, allowed: ["route", "method", "share", "bodyBytes"])
            guard let route = surge["route"], let share = surge["share"] else { throw reader.fail(surgeNode, path, "needs 'route' and 'share'") }
            let routeText = try reader.string(route, "\(path).route")
            guard routeText.hasPrefix("/") else { throw reader.fail(route, "\(path).route", "a new route is a path template starting with '/'") }
            event.surge = .init(
                route: routeText, method: try surge["method"].map { try reader.string($0, "\(path).method") } ?? "GET",
                share: try reader.number(share, "\(path).share", range: 0...1),
                bodyBytes: Int(try surge["bodyBytes"].map { try reader.number($0, "\(path).bodyBytes", range: 0...1e8) } ?? 0))
        }
        return event
    }

    /// YAML text of the scenario (what `shadowcast scenario show` prints for a parsed file).
    public func yaml() -> String {
        func number(_ value: Double) -> String { value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value) }
        func quoted(_ text: String) -> String { "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
        var lines = ["name: \(quoted(name))"]
        if !description.isEmpty { lines.append("description: \(quoted(description))") }
        lines.append("events:")
        for event in events {
            lines.append("  - name: \(quoted(event.name))")
            lines.append("    start: \(DurationText.text(event.start))")
            lines.append("    duration: \(DurationText.text(event.duration))")
            if event.ramp > 0 { lines.append("    ramp: \(DurationText.text(event.ramp))") }
            if event.rampDown > 0 { lines.append("    rampDown: \(DurationText.text(event.rampDown))") }
            switch event.rate {
            case let .multiplier(m)?: lines.append("    rate: {multiplier: \(number(m))}")
            case let .absolute(r)?: lines.append("    rate: {absolute: \(number(r))}")
            case nil: break
            }
            if !event.mix.isEmpty {
                lines.append("    mix:")
                for shift in event.mix { lines.append("      - {route: \(quoted(shift.route)), share: \(number(shift.share))}") }
            }
            if let hot = event.hotKey {
                lines.append("    hotKey: {route: \(quoted(hot.route)), parameter: \(quoted(hot.parameter)), value: \(quoted(hot.value)), share: \(number(hot.share))}")
            }
            if let surge = event.surge {
                lines.append("    surge: {route: \(quoted(surge.route)), method: \(surge.method), share: \(number(surge.share)), bodyBytes: \(surge.bodyBytes)}")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
