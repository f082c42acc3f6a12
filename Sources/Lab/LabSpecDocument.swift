/// The YAML shape of a `LabSpec` (snake_case keys, times in milliseconds).
struct LabSpecDocument: Decodable {
    struct ServiceTime: Decodable {
        var distribution: String
        var ms: Double?
        var mean_ms: Double?
        var median_ms: Double?
        var sigma: Double?
        var min_ms: Double?
        var max_ms: Double?
    }

    struct Route: Decodable {
        var name: String
        var method: String?
        var path: String
        var weight: Double?
        var service_time: ServiceTime
        var response_bytes: Int?
        var error_rate: Double?
    }

    var name: String?
    var instances: Int?
    var workers_per_instance: Int?
    var queue_limit: Int?
    var seed: UInt64?
    var routes: [Route]

    func spec(source: String, routeLines: [Int] = []) throws(LabSpecError) -> LabSpec {
        var routes: [LabSpec.Route] = []
        for (index, route) in self.routes.enumerated() {
            let line = routeLines.indices.contains(index) && routeLines[index] > 0 ? ":\(routeLines[index])" : ""
            let field = "\(source)\(line): routes[\(index)]"
            let pattern: RoutePattern
            do { pattern = try RoutePattern(route.path) } catch { throw LabSpecError(field: "\(field).path", message: error.message) }
            let time = try Self.distribution(route.service_time, field: "\(field).service_time")
            routes.append(LabSpec.Route(
                name: route.name, method: route.method?.uppercased(), path: pattern,
                weight: route.weight ?? 1, serviceTime: time, responseBytes: route.response_bytes ?? 64,
                errorRate: route.error_rate ?? 0))
        }
        return LabSpec(
            name: name ?? "lab", instances: instances ?? 1, workersPerInstance: workers_per_instance ?? 8,
            queueLimit: queue_limit ?? 64, seed: seed ?? 1, routes: routes)
    }

    static func distribution(_ time: ServiceTime, field: String) throws(LabSpecError) -> ServiceTimeDistribution {
        func need(_ value: Double?, _ key: String) throws(LabSpecError) -> Double {
            guard let value else { throw LabSpecError(field: field, message: "'\(time.distribution)' needs '\(key)'") }
            guard value >= 0, value.isFinite else { throw LabSpecError(field: "\(field).\(key)", message: "must be >= 0") }
            return value
        }
        switch time.distribution.lowercased() {
        case "constant":
            return .constant(seconds: try need(time.ms ?? time.mean_ms, "ms") / 1000)
        case "exponential":
            return .exponential(mean: try need(time.mean_ms, "mean_ms") / 1000)
        case "lognormal":
            return .lognormal(median: try need(time.median_ms, "median_ms") / 1000, sigma: try need(time.sigma, "sigma"))
        case "uniform":
            let low = try need(time.min_ms, "min_ms"), high = try need(time.max_ms, "max_ms")
            guard high >= low else { throw LabSpecError(field: field, message: "max_ms < min_ms") }
            return .uniform(min: low / 1000, max: high / 1000)
        default:
            throw LabSpecError(
                field: "\(field).distribution",
                message: "unknown distribution '\(time.distribution)' (constant, exponential, lognormal, uniform)")
        }
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let joined = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return joined.hasPrefix(".") ? String(joined.dropFirst()) : joined
        }
        switch error {
        case .keyNotFound(let key, let context): return "missing key '\(key.stringValue)' at \(path(context).isEmpty ? "top level" : path(context))"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            if let underlying = context.underlyingError {
                // Yams' syntax errors carry line:column and a snippet.
                return "\(underlying)".split(separator: "\n").joined(separator: " | ")
            }
            return "\(path(context).isEmpty ? "top level" : path(context)): \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}
