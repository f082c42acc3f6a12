import Shadow

/// Starts a proxy in front of `primary` (and `secondary`), runs `body`, shuts everything down.
func withProxy<T>(
    primary: TestServer, secondary: TestServer?, secondaryURL: String? = nil,
    sink: (any ShadowExchangeSink)? = nil,
    configure: (inout ShadowConfiguration) -> Void = { _ in },
    _ body: (ShadowProxy) async throws -> T
) async throws -> T {
    var configuration = ShadowConfiguration(
        listen: ShadowEndpoint(host: "127.0.0.1", port: 0),
        primary: try ShadowEndpoint(url: primary.url, option: "primary"),
        secondary: try (secondaryURL ?? secondary?.url).map { try ShadowEndpoint(url: $0, option: "secondary") })
    configuration.eventLoops = 2
    configure(&configuration)
    let proxy = try await ShadowProxy.start(configuration, sink: sink)
    do {
        let result = try await body(proxy)
        try await proxy.shutdown(drainTimeout: .seconds(1))
        return result
    } catch {
        _ = try? await proxy.shutdown(drainTimeout: .milliseconds(100))
        throw error
    }
}

/// Polls `condition` every 5 ms for up to `limit`; returns whether it became true.
func eventually(within limit: Duration = .seconds(3), _ condition: () async throws -> Bool) async rethrows -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now + limit
    while clock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(5))
    }
    return try await condition()
}

/// The p-th percentile (0...100) of `values` (nearest rank).
func percentile(_ values: [Duration], _ p: Double) -> Duration {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return .zero }
    let rank = Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1
    return sorted[min(max(rank, 0), sorted.count - 1)]
}
