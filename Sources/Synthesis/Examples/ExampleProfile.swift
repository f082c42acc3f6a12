import Profiler

/// A small hand-written e-commerce profile (five routes, a forecast with three quantiles, a
/// session chain) used by tests, benchmarks and the documentation's examples.
public enum ExampleProfile {
    static func summary(_ lo: Double, _ median: Double, _ hi: Double) -> QuantileSummary {
        QuantileSummary(count: 1000, min: lo, max: hi, mean: (lo + 2 * median + hi) / 4,
                        probabilities: [0, 0.5, 1], values: [lo, median, hi])
    }

    static func values(_ pairs: [(String, Double)], topWeight: Double, distinct: Int, kind: String) -> ValueModel {
        ValueModel(
            count: 10_000, top: pairs.map { WeightedValue(value: $0.0, weight: $0.1, count: Int($0.1 * 10_000)) },
            topWeight: topWeight, distinctEstimate: distinct, zipfExponent: 1.1, withheld: 0,
            minLength: kind == "integer" ? 3 : 8, maxLength: kind == "integer" ? 6 : 12)
    }

    /// The profile; `forecastSteps` 60-second steps of forecast at quantiles 0.1/0.5/0.9 with
    /// median `medianPerStep` requests per step (alternating ×1 and ×2), or no forecast when 0.
    public static func shop(forecastSteps: Int = 10, medianPerStep: Double = 60_000) -> RequestProfile {
        let get = [WeightedValue(value: "GET", weight: 1, count: 1)]
        let routes = [
            RouteProfile(
                route: "/products/{id}", count: 5000, share: 0.5, methods: get,
                statuses: [], requestBytes: nil, responseBytes: nil, latencySeconds: nil,
                queryKeys: [
                    QueryKeyProfile(key: "ref", frequency: 0.3, credential: false,
                                    values: values([("home", 0.6), ("search", 0.4)], topWeight: 1, distinct: 2, kind: "text")),
                    QueryKeyProfile(key: "api_key", frequency: 0.1, credential: true, values: nil),
                ],
                parameters: [ParameterModel(name: "id", segment: 1, kind: "integer",
                                            values: values([("1001", 0.3), ("1002", 0.2), ("1003", 0.1)], topWeight: 0.6, distinct: 5000, kind: "integer"))],
                contentType: "application/json", examples: ["/products/1001"]),
            RouteProfile(
                route: "/search", count: 2000, share: 0.2, methods: get, statuses: [],
                requestBytes: nil, responseBytes: nil, latencySeconds: nil,
                queryKeys: [QueryKeyProfile(key: "q", frequency: 1, credential: false,
                                            values: values([("shoes", 0.5), ("hat", 0.2)], topWeight: 0.7, distinct: 900, kind: "text"))],
                parameters: [], contentType: "application/json", examples: []),
            RouteProfile(
                route: "/cart", count: 1500, share: 0.15,
                methods: [WeightedValue(value: "POST", weight: 0.8, count: 1200), WeightedValue(value: "GET", weight: 0.2, count: 300)],
                statuses: [], requestBytes: summary(100, 400, 2000), responseBytes: nil, latencySeconds: nil,
                queryKeys: [], parameters: [], contentType: "application/json", examples: []),
            RouteProfile(
                route: "/checkout", count: 500, share: 0.05,
                methods: [WeightedValue(value: "POST", weight: 1, count: 500)],
                statuses: [], requestBytes: summary(300, 800, 4000), responseBytes: nil, latencySeconds: nil,
                queryKeys: [], parameters: [], contentType: "application/json", examples: []),
            RouteProfile(
                route: "/users/{uuid}/orders/{date}", count: 500, share: 0.05, methods: get, statuses: [],
                requestBytes: nil, responseBytes: nil, latencySeconds: nil, queryKeys: [],
                parameters: [
                    ParameterModel(name: "uuid", segment: 1, kind: "uuid", values: values([], topWeight: 0, distinct: 800, kind: "uuid")),
                    ParameterModel(name: "date", segment: 3, kind: "date", values: values([("2015-05-17", 0.5)], topWeight: 0.5, distinct: 30, kind: "date")),
                ],
                contentType: nil, examples: []),
        ]
        let other = RouteProfile(
            route: RouteProfile.otherRouteName, count: 500, share: 0.05, methods: get, statuses: [],
            requestBytes: nil, responseBytes: nil, latencySeconds: nil, queryKeys: [], parameters: [],
            contentType: nil, examples: ["/robots.txt", "/favicon.ico"])
        let forecast: ForecastSection? = forecastSteps > 0
            ? ForecastSection(
                model: "test", stepSeconds: 60, start: "2015-05-18T00:00:00Z", quantiles: [0.1, 0.5, 0.9],
                values: (0..<forecastSteps).map { step in
                    let median = medianPerStep * (step % 2 == 0 ? 1 : 2)
                    return [median * 0.5, median, median * 1.5]
                })
            : nil
        let steps = 60
        return RequestProfile(
            provenance: Provenance(
                sources: [], totalLines: 10_000, parsedLines: 10_000, skippedLines: 0, lateRecords: 0,
                reorderWindowSeconds: 5, start: "2015-05-17T00:00:00Z", end: "2015-05-17T01:00:00Z",
                redaction: .init(clients: "hash", droppedHeaders: [], redactedQueryKeys: ["api_key"], withheldSecretLikeValues: 0),
                generatedAt: "2015-05-17T01:00:00Z", generator: "ExampleProfile"),
            stepSeconds: 60,
            history: HistorySeries(
                start: "2015-05-17T00:00:00Z", startEpochSeconds: 1_431_820_800, stepSeconds: 60,
                total: (0..<steps).map { 100 + 50 * ($0 % 3) }, routes: [], other: [Int](repeating: 0, count: steps), approximate: false),
            forecast: forecast,
            totals: Totals(requests: 10_000, distinctRoutes: 6, distinctPaths: 3000, distinctPathsCapped: false,
                           distinctUserAgents: 3, distinctClients: 500, meanRatePerSecond: 2.5, peakPerStep: 200),
            routes: routes, other: other,
            methods: [WeightedValue(value: "GET", weight: 0.85, count: 8500), WeightedValue(value: "POST", weight: 0.15, count: 1500)],
            statusClasses: [WeightedValue(value: "2xx", weight: 1, count: 10_000)],
            userAgents: UserAgentDistribution(
                families: [WeightedValue(value: "browser", weight: 0.7, count: 7000), WeightedValue(value: "bot", weight: 0.3, count: 3000)],
                top: [
                    .init(agent: "Mozilla/5.0 (X11; Linux x86_64) Firefox/126.0", family: "browser", weight: 0.5, count: 5000),
                    .init(agent: "Googlebot/2.1 (+http://www.google.com/bot.html)", family: "bot", weight: 0.3, count: 3000),
                ],
                otherWeight: 0.2),
            geo: GeoDistribution(
                source: "field",
                countries: [WeightedValue(value: "US", weight: 0.5, count: 5000), WeightedValue(value: "DE", weight: 0.3, count: 3000)],
                unknownWeight: 0.2),
            timeMix: TimeMix(hourOfDay: (0..<24).map { Double($0 < 12 ? 1 : 3) / 48 }, dayOfWeek: [Double](repeating: 1.0 / 7, count: 7),
                             dayHour: [Double](repeating: 1.0 / 168, count: 168)),
            sessions: SessionModel(
                key: "client+agent", inactivityGapSeconds: 1800, sessions: 1000, startRatePerSecond: 0.3,
                startsPerStep: [], requestsPerSession: nil, thinkTimeSeconds: summary(1, 5, 30), durationSeconds: nil,
                entry: [WeightedValue(value: "/products/{id}", weight: 0.7, count: 700), WeightedValue(value: "/search", weight: 0.3, count: 300)],
                transitions: [
                    .init(from: "/search", count: 300, next: [WeightedValue(value: "/products/{id}", weight: 0.8, count: 240)], exit: 0.2),
                    .init(from: "/products/{id}", count: 700, next: [WeightedValue(value: "/cart", weight: 0.5, count: 350)], exit: 0.5),
                    .init(from: "/cart", count: 350, next: [WeightedValue(value: "/checkout", weight: 0.6, count: 210)], exit: 0.4),
                    .init(from: "/checkout", count: 210, next: [], exit: 1),
                ]))
    }
}
