extension LabSpec {
    /// The embedded default: a small e-commerce service.
    ///
    /// Two instances × 8 workers, queue 64 per instance. Mean service time over the reference mix
    /// is ≈ 28.0 ms, so the configured capacity is 16 / 0.0280 ≈ 570 requests/s (≈ 285 per
    /// instance); `configuredCapacity` gives the exact figure.
    public static let defaultYAML = """
        name: shop
        instances: 2
        workers_per_instance: 8
        queue_limit: 64
        seed: 1
        routes:
          - name: home
            method: GET
            path: /
            weight: 0.25
            service_time: {distribution: lognormal, median_ms: 10, sigma: 0.4}
            response_bytes: 4096
          - name: product
            method: GET
            path: /products/{id}
            weight: 0.35
            service_time: {distribution: lognormal, median_ms: 15, sigma: 0.5}
            response_bytes: 2048
          - name: search
            method: GET
            path: /search
            weight: 0.20
            service_time: {distribution: lognormal, median_ms: 40, sigma: 0.6}
            response_bytes: 8192
          - name: cart
            path: /cart
            weight: 0.15
            service_time: {distribution: exponential, mean_ms: 20}
            response_bytes: 512
          - name: checkout
            method: POST
            path: /checkout
            weight: 0.05
            service_time: {distribution: lognormal, median_ms: 120, sigma: 0.5}
            response_bytes: 256
          - name: static
            method: GET
            path: /static/*
            weight: 0
            service_time: {distribution: constant, ms: 0.5}
            response_bytes: 16384
        """

    /// The embedded default spec (see `defaultYAML`).
    public static var `default`: LabSpec {
        // The embedded YAML is covered by a test; a failure here is a programming error.
        guard let spec = try? LabSpec.parse(yaml: defaultYAML, source: "embedded default") else {
            preconditionFailure("embedded default Lab spec does not parse")
        }
        return spec
    }
}
