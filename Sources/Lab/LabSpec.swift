import Yams

/// What a Lab simulates: its routes with their service times, and its instances.
///
/// Capacity is a property of the spec, not of the machine: every request holds one worker for
/// its sampled service time (no CPU is spent), so `configuredCapacity` is what the Lab sustains
/// at the spec's route mix, whatever the host.
///
/// YAML form (all times in milliseconds):
/// ```yaml
/// name: shop
/// instances: 2
/// workers_per_instance: 8
/// queue_limit: 64            # per instance; requests past it get 503
/// seed: 1
/// routes:
///   - name: product
///     method: GET            # optional: any method when absent
///     path: /products/{id}
///     weight: 0.35           # share of the reference mix used for the capacity figure
///     service_time: {distribution: lognormal, median_ms: 15, sigma: 0.5}
///     response_bytes: 2048   # optional
///     error_rate: 0.0        # optional: share answered 500 after the service time
/// ```
public struct LabSpec: Sendable, Hashable {
    /// One simulated route.
    public struct Route: Sendable, Hashable {
        /// Short name used in metrics (`route="product"`).
        public var name: String
        /// The HTTP method to match, or `nil` for any.
        public var method: String?
        /// The path template.
        public var path: RoutePattern
        /// Weight in the reference mix (need not sum to 1; zero keeps the route out of the mix).
        public var weight: Double
        /// The service-time distribution.
        public var serviceTime: ServiceTimeDistribution
        /// Size of the response body.
        public var responseBytes: Int
        /// Share of served requests answered 500 after their service time (fault injection).
        public var errorRate: Double

        /// Creates a route.
        public init(
            name: String, method: String? = nil, path: RoutePattern, weight: Double,
            serviceTime: ServiceTimeDistribution, responseBytes: Int = 64, errorRate: Double = 0
        ) {
            self.name = name
            self.method = method
            self.path = path
            self.weight = weight
            self.serviceTime = serviceTime
            self.responseBytes = responseBytes
            self.errorRate = errorRate
        }
    }

    /// A label for logs and metrics.
    public var name: String
    /// Instances running at start.
    public var instances: Int
    /// Concurrent requests one instance serves.
    public var workersPerInstance: Int
    /// Requests one instance holds waiting; more are answered 503.
    public var queueLimit: Int
    /// Seed of the service-time sampler.
    public var seed: UInt64
    /// Routes, matched in order.
    public var routes: [Route]

    /// Creates a spec; `validate()` checks it.
    public init(
        name: String, instances: Int, workersPerInstance: Int, queueLimit: Int, seed: UInt64 = 1,
        routes: [Route]
    ) {
        self.name = name
        self.instances = instances
        self.workersPerInstance = workersPerInstance
        self.queueLimit = queueLimit
        self.seed = seed
        self.routes = routes
    }

    /// Mean service time over the reference mix, in seconds.
    public var meanServiceTime: Double {
        let total = routes.reduce(0) { $0 + $1.weight }
        guard total > 0 else { return routes.first?.serviceTime.mean ?? 0 }
        return routes.reduce(0) { $0 + $1.weight / total * $1.serviceTime.mean }
    }

    /// Requests per second one instance completes at full utilization, at the reference mix.
    public var capacityPerInstance: Double {
        let mean = meanServiceTime
        return mean > 0 ? Double(workersPerInstance) / mean : .infinity
    }

    /// Requests per second the Lab completes at full utilization with `instances` instances.
    public var configuredCapacity: Double { capacityPerInstance * Double(instances) }

    /// The reference mix: each route's share of requests (sums to 1 when any weight is positive).
    public var mix: [(route: Int, share: Double)] {
        let total = routes.reduce(0) { $0 + $1.weight }
        guard total > 0 else { return [] }
        return routes.enumerated().filter { $0.element.weight > 0 }.map { ($0.offset, $0.element.weight / total) }
    }

    /// The index of the first route matching a request, or `nil`.
    public func routeIndex(method: String, path: Substring) -> Int? {
        routes.firstIndex { route in
            (route.method == nil || route.method == method) && route.path.matches(path)
        }
    }

    /// A copy where `route` answers 500 to a share `rate` of its requests (an injected fault).
    public func failing(route name: String, rate: Double) -> LabSpec {
        var copy = self
        for index in copy.routes.indices where copy.routes[index].name == name { copy.routes[index].errorRate = rate }
        return copy
    }

    /// A copy where `route`'s service times are `factor` times longer (an injected slowdown).
    public func slowingDown(route name: String, by factor: Double) -> LabSpec {
        var copy = self
        for index in copy.routes.indices where copy.routes[index].name == name {
            copy.routes[index].serviceTime = copy.routes[index].serviceTime.scaled(by: factor)
        }
        return copy
    }

    /// Checks the numbers are usable.
    public func validate() throws(LabSpecError) {
        guard instances >= 0 else { throw LabSpecError(field: "instances", message: "must be >= 0, got \(instances)") }
        guard workersPerInstance >= 1 else {
            throw LabSpecError(field: "workers_per_instance", message: "must be >= 1, got \(workersPerInstance)")
        }
        guard queueLimit >= 0 else { throw LabSpecError(field: "queue_limit", message: "must be >= 0, got \(queueLimit)") }
        guard !routes.isEmpty else { throw LabSpecError(field: "routes", message: "at least one route is needed") }
        var names = Set<String>()
        for (index, route) in routes.enumerated() {
            let field = "routes[\(index)]"
            guard !route.name.isEmpty, names.insert(route.name).inserted else {
                throw LabSpecError(field: "\(field).name", message: "route names must be non-empty and unique ('\(route.name)')")
            }
            guard route.weight >= 0, route.weight.isFinite else {
                throw LabSpecError(field: "\(field).weight", message: "must be a finite number >= 0")
            }
            guard (0...1).contains(route.errorRate) else {
                throw LabSpecError(field: "\(field).error_rate", message: "must be in [0, 1], got \(route.errorRate)")
            }
            let mean = route.serviceTime.mean
            guard mean.isFinite, mean >= 0 else {
                throw LabSpecError(field: "\(field).service_time", message: "parameters give no finite mean")
            }
        }
    }
}

extension LabSpec {
    /// Parses a YAML spec; `source` names the file in errors.
    public static func parse(yaml: String, source: String = "lab spec") throws(LabSpecError) -> LabSpec {
        let document: LabSpecDocument
        do {
            document = try YAMLDecoder().decode(LabSpecDocument.self, from: yaml)
        } catch let error as DecodingError {
            throw LabSpecError(field: source, message: LabSpecDocument.describe(error))
        } catch {
            throw LabSpecError(field: source, message: "\(error)")
        }
        // Line numbers of each route, so semantic errors can say `file:line`.
        let routeLines = ((try? Yams.compose(yaml: yaml))??["routes"]?.sequence).map { $0.map { $0.mark?.line ?? 0 } } ?? []
        let spec = try document.spec(source: source, routeLines: routeLines)
        do {
            try spec.validate()
        } catch {
            throw LabSpecError(field: "\(source): \(error.field)", message: error.message)
        }
        return spec
    }
}
