import ArgumentParser
import Foundation
import Lab

/// Reads a Lab spec for the CLI and describes it.
enum LabSpecLoader {
    /// The spec at `path`, or the embedded default.
    static func load(path: String?) throws -> LabSpec {
        guard let path else { return .default }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw LabCLIError("cannot read Lab spec \(path): \(error.localizedDescription)")
        }
        do {
            return try LabSpec.parse(yaml: text, source: path)
        } catch {
            throw LabCLIError("\(error)")
        }
    }

    /// A few lines: routes, mean service times, capacity.
    static func describe(_ spec: LabSpec) -> String {
        var lines = ["# lab '\(spec.name)': \(spec.instances) instance(s) x \(spec.workersPerInstance) workers, queue \(spec.queueLimit) per instance"]
        for route in spec.routes {
            let mean = String(format: "%.1f", route.serviceTime.mean * 1000)
            let faults = route.errorRate > 0 ? String(format: ", %.1f%% answered 500", route.errorRate * 100) : ""
            lines.append("#   \(route.method ?? "*") \(route.path) (\(route.name)): weight \(route.weight), mean service \(mean) ms\(faults)")
        }
        lines.append(String(format: "# mean service time %.1f ms; capacity %.0f req/s per instance, %.0f req/s configured",
                            spec.meanServiceTime * 1000, spec.capacityPerInstance, spec.configuredCapacity))
        return lines.joined(separator: "\n")
    }
}
