import Lab

/// The Lab spec both demo services run: the sample shop's routes (the same paths the sample
/// log has, plus the flash-sale page the `flash-sale` scenario adds), with service times that
/// make search and checkout the slow routes.
enum DemoShop {
    /// The spec with `instances` instances of `workers` workers each.
    static func spec(name: String, instances: Int, workers: Int, seed: UInt64) throws -> LabSpec {
        var spec = try LabSpec.parse(yaml: yaml, source: "demo shop")
        spec.name = name
        spec.instances = instances
        spec.workersPerInstance = workers
        spec.seed = seed
        return spec
    }

    /// Weights follow the sample log's mix roughly; mean service time ≈ 20 ms.
    static let yaml = """
        name: shop
        instances: 1
        workers_per_instance: 4
        queue_limit: 32
        seed: 1
        routes:
          - name: home
            method: GET
            path: /
            weight: 0.14
            service_time: {distribution: lognormal, median_ms: 8, sigma: 0.4}
            response_bytes: 4096
          - name: reviews
            method: GET
            path: /products/{id}/reviews
            weight: 0.06
            service_time: {distribution: lognormal, median_ms: 14, sigma: 0.5}
            response_bytes: 3072
          - name: product
            method: GET
            path: /products/{id}
            weight: 0.28
            service_time: {distribution: lognormal, median_ms: 12, sigma: 0.5}
            response_bytes: 2048
          - name: category
            method: GET
            path: /category/{name}
            weight: 0.12
            service_time: {distribution: lognormal, median_ms: 16, sigma: 0.5}
            response_bytes: 6144
          - name: search
            method: GET
            path: /search
            weight: 0.12
            service_time: {distribution: lognormal, median_ms: 38, sigma: 0.6}
            response_bytes: 8192
          - name: cart_items
            method: POST
            path: /cart/items
            weight: 0.06
            service_time: {distribution: exponential, mean_ms: 18}
            response_bytes: 512
          - name: cart
            path: /cart
            weight: 0.06
            service_time: {distribution: exponential, mean_ms: 15}
            response_bytes: 1024
          - name: checkout
            method: POST
            path: /checkout
            weight: 0.03
            service_time: {distribution: lognormal, median_ms: 90, sigma: 0.5}
            response_bytes: 256
          - name: login
            method: POST
            path: /login
            weight: 0.02
            service_time: {distribution: lognormal, median_ms: 30, sigma: 0.4}
            response_bytes: 256
          - name: recommendations
            method: GET
            path: /api/recommendations
            weight: 0.05
            service_time: {distribution: lognormal, median_ms: 25, sigma: 0.5}
            response_bytes: 1536
          - name: flash_sale
            method: GET
            path: /flash-sale/*
            weight: 0.01
            service_time: {distribution: lognormal, median_ms: 20, sigma: 0.5}
            response_bytes: 2048
          - name: static
            method: GET
            path: /static/*
            weight: 0.05
            service_time: {distribution: constant, ms: 0.5}
            response_bytes: 16384
          - name: other
            path: /*
            weight: 0
            service_time: {distribution: lognormal, median_ms: 10, sigma: 0.5}
            response_bytes: 512
        """
}
