import Testing
@testable import Lab

@Suite struct LabSpecTests {
    @Test func defaultSpecParsesWithDocumentedCapacity() {
        let spec = LabSpec.default
        #expect(spec.routes.map(\.name) == ["home", "product", "search", "cart", "checkout", "static"])
        #expect(spec.instances == 2 && spec.workersPerInstance == 8)
        // Documented in DefaultLabSpec.swift: ≈ 28.0 ms mean, ≈ 570 req/s.
        #expect(abs(spec.meanServiceTime - 0.0280) < 0.0005)
        #expect(abs(spec.configuredCapacity - 570) < 10)
    }

    @Test func routesMatchTemplates() throws {
        let spec = LabSpec.default
        #expect(spec.routeIndex(method: "GET", path: "/") == 0)
        #expect(spec.routeIndex(method: "GET", path: "/products/42") == 1)
        #expect(spec.routeIndex(method: "GET", path: "/products/42/reviews") == nil)
        #expect(spec.routeIndex(method: "GET", path: "/checkout") == nil)
        #expect(spec.routeIndex(method: "POST", path: "/checkout") == 4)
        #expect(spec.routeIndex(method: "DELETE", path: "/cart") == 3)
        #expect(spec.routeIndex(method: "GET", path: "/static/css/site.css") == 5)
        #expect(throws: LabSpecError.self) { try RoutePattern("no-slash") }
    }

    @Test func badSpecsSayWhichField() {
        let unknown = """
            routes:
              - name: a
                path: /a
                service_time: {distribution: weibull, mean_ms: 3}
            """
        #expect { try LabSpec.parse(yaml: unknown, source: "x.yaml") } throws: { error in
            "\(error)".contains("x.yaml:2: routes[0].service_time.distribution") && "\(error)".contains("weibull")
        }
        let missing = """
            routes:
              - name: a
                path: /a
                service_time: {distribution: lognormal, median_ms: 3}
            """
        #expect { try LabSpec.parse(yaml: missing) } throws: { "\($0)".contains("sigma") }
        let badWorkers = """
            workers_per_instance: 0
            routes:
              - {name: a, path: /a, service_time: {distribution: constant, ms: 1}}
            """
        #expect { try LabSpec.parse(yaml: badWorkers) } throws: { "\($0)".contains("workers_per_instance") }
        #expect { try LabSpec.parse(yaml: "routes: 3") } throws: { "\($0)".contains("routes") }
    }

    @Test func distributionsHaveTheirMeans() {
        var generator = SeededGenerator(seed: 7)
        let cases: [ServiceTimeDistribution] = [
            .constant(seconds: 0.01), .exponential(mean: 0.02), .lognormal(median: 0.015, sigma: 0.5),
            .uniform(min: 0.01, max: 0.03),
        ]
        for distribution in cases {
            let n = 20_000
            var sum = 0.0
            for _ in 0..<n { sum += distribution.sample(using: &generator) }
            #expect(abs(sum / Double(n) - distribution.mean) / distribution.mean < 0.03, "\(distribution)")
        }
    }
}
