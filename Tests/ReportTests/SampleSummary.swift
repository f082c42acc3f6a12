import Foundation
@testable import Report

/// A realistic summary of a three-minute e-commerce run, generated deterministically: a week of
/// hourly traffic with daily and weekly seasonality and a past flash sale, a 24 h forecast with
/// an 80% band, a secondary that saturates during a flash sale and is scaled out, faults,
/// findings. Used by the tests and by `tools/render-report` for the screenshot.
enum SampleSummary {
    /// SplitMix64, so the fixture is identical on every machine.
    struct Noise {
        var state: UInt64
        mutating func next() -> Double {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            return Double(z >> 11) / Double(1 << 53)
        }
        /// Roughly normal, mean 0, sd 1 (sum of uniforms).
        mutating func gaussian() -> Double { (0..<6).reduce(0.0) { acc, _ in acc + next() } - 3 }
    }

    static let started = Date(timeIntervalSince1970: 1_795_924_800)  // 2026-11-29T04:00:00Z
    static let runSeconds = 180

    static func make() -> RunSummary {
        var noise = Noise(state: 42)
        let meta = RunMeta(
            toolVersion: "0.1.0",
            command: SecretRedactor.redact(command: ["shadowcast", "demo", "--seed", "42", "--header", "Authorization: Bearer abc123"]),
            started: started, ended: started.addingTimeInterval(Double(runSeconds)), seed: 42,
            targets: [
                RunTarget(role: .primary, url: "http://127.0.0.1:18080", instances: 4),
                RunTarget(role: .secondary, url: "http://127.0.0.1:18081", instances: 2),
            ])
        let history = traffic(&noise)
        let seconds = timeline(&noise)
        let total = seconds.secondary.reduce(0.0) { $0 + $1.rate }
        var summary = RunSummary(
            meta: meta, traffic: history, backtest: backtest(), timeline: seconds, routes: routes(total: total),
            latency: latency(), scaling: scaling(), faults: faults(), findings: findings(), events: events())
        // Thresholds are checked the way `load --threshold` checks them, on the summary's own figures.
        let requests = summary.routes.reduce(0) { $0 + $1.requests }, errors = summary.routes.reduce(0) { $0 + $1.errors }
        let metrics = ThresholdMetrics(
            p50Ms: RunFigures.percentile(50, in: summary.latency.secondary), p99Ms: RunFigures.percentile(99, in: summary.latency.secondary),
            p999Ms: RunFigures.percentile(99.9, in: summary.latency.secondary), errorRate: Double(errors) / Double(requests),
            rps: total / Double(runSeconds))
        summary.thresholds = ["p99<100ms", "p99.9<250ms", "errors<1%"].compactMap { try? Threshold(parsing: $0).evaluate(metrics) }
        return summary
    }

    /// Requests per hour of a week of e-commerce: evening peak, night trough, busier weekend.
    static func expectedCount(hour: Int) -> Double {
        let hourOfDay = Double(hour % 24), day = (hour / 24) % 7
        let daily = 0.55 + 0.45 * sin((hourOfDay - 10) / 24 * 2 * .pi) + 0.15 * sin((hourOfDay - 7) / 12 * 2 * .pi)
        let weekly = day >= 5 ? 1.25 : 1.0
        return 180_000 * max(0.08, daily) * weekly
    }

    static func traffic(_ noise: inout Noise) -> TrafficHistory {
        let historyStart = started.addingTimeInterval(-7 * 86400)
        let history = (0..<168).map { h -> TrafficPoint in
            var count = expectedCount(hour: h) * (1 + 0.04 * noise.gaussian())
            if h == 3 * 24 + 12 { count *= 2.6 }  // a past flash sale
            if h == 3 * 24 + 13 { count *= 1.7 }
            return TrafficPoint(step: h, time: historyStart.addingTimeInterval(Double(h) * 3600), count: count.rounded())
        }
        let quantiles = [0.1, 0.5, 0.9]
        let points = (168..<192).map { h -> ForecastPoint in
            let median = expectedCount(hour: h) * (1 + 0.02 * sin(Double(h)))
            let spread = 0.10 + 0.004 * Double(h - 168)
            return ForecastPoint(step: h, time: historyStart.addingTimeInterval(Double(h) * 3600),
                                 values: [median * (1 - spread), median, median * (1 + spread)].map { $0.rounded() })
        }
        let actual = (168..<192).map { h -> TrafficPoint in
            TrafficPoint(step: h, time: historyStart.addingTimeInterval(Double(h) * 3600),
                         count: (expectedCount(hour: h) * (1 + 0.06 * noise.gaussian())).rounded())
        }
        return TrafficHistory(stepSeconds: 3600, history: history,
                              forecast: TrafficForecast(model: "lstm", quantiles: quantiles, band: QuantileBand(lower: 0.1, upper: 0.9), points: points),
                              actual: actual)
    }

    static func backtest() -> BacktestTable {
        BacktestTable(rows: [
            BacktestRow(model: "lstm", mase: 0.58, smape: 0.071, pinball: 2140, coverage: 0.81),
            BacktestRow(model: "seasonal-naive", mase: 1.0, smape: 0.118, pinball: 3890, coverage: 0.64),
            BacktestRow(model: "ets", mase: 0.79, smape: 0.094, pinball: 2960, coverage: 0.74),
            BacktestRow(model: "naive", mase: 1.62, smape: 0.201, pinball: 6120, coverage: 0.41),
        ], chosen: "lstm", reason: "lowest MASE and pinball loss, and its 80% band covered 81% of held-out hours")
    }

    static func timeline(_ noise: inout Noise) -> ComparisonTimeline {
        var primary: [SecondSample] = [], secondary: [SecondSample] = []
        for t in 0..<runSeconds {
            let time = Double(t)
            let pRate = 820 + 60 * sin(time / 25) + 25 * noise.gaussian()
            primary.append(SecondSample(t: time, rate: pRate, p50Ms: 11 + noise.next() * 1.5,
                                        p99Ms: 48 + 6 * noise.gaussian(), errorRate: 0.0008 * noise.next()))
            // Secondary: ramp to 2,400 rps, flash sale 90–120 s at 4,000, 2 instances until scaled at 96 s.
            var target = min(2400, 2400 * time / 40)
            if t >= 90 && t < 120 { target = 4000 }
            let capacity = t < 97 ? 3100.0 : (t < 152 ? 5600 : 6800)
            let load = target / capacity
            let served = min(target, capacity) * (1 + 0.02 * noise.gaussian())
            let saturation = max(0, load - 0.75) * 4
            let p50 = 13 + 30 * saturation * saturation + noise.next() * 2
            let p99 = 55 + 520 * saturation * saturation + 8 * abs(noise.gaussian())
            let err = load > 1 ? min(0.2, (load - 1) * 0.25) : 0.0005 * noise.next()
            secondary.append(SecondSample(t: time, rate: max(0, served), p50Ms: p50, p99Ms: p99, errorRate: err))
        }
        return ComparisonTimeline(primary: primary, secondary: secondary)
    }

    static func routes(total: Double) -> [RouteRow] {
        let specs: [(String, Double, Double, Double, Int, Double?)] = [
            ("GET /products/{id}", 0.34, 9, 1.2, 21, 0.62),
            ("GET /search", 0.19, 22, 1.9, 74, 0.003),
            ("GET /", 0.14, 6, 1.05, 0, 0.71),
            ("GET /cart", 0.09, 12, 1.3, 12, 0.08),
            ("POST /cart/items", 0.08, 18, 2.4, 96, 0.0004),
            ("POST /checkout", 0.04, 85, 6.8, 402, 0.00001),
            ("GET /static/{asset}", 0.07, 2, 1.0, 0, 0.9),
            ("POST /login", 0.03, 40, 1.4, 18, 0.04),
            ("GET /account/orders", 0.02, 31, 1.6, 9, 0.02),
        ]
        return specs.map { name, share, p50, ratio, errors, p in
            let requests = Int(total * share)
            return RouteRow(route: name, requests: requests, rps: Double(requests) / Double(runSeconds),
                            p50Ms: p50, p90Ms: p50 * 2.4, p99Ms: p50 * 6 * ratio, p999Ms: p50 * 11 * ratio,
                            errors: errors, share: share, latencyRatio: ratio, pValue: p, significant: p.map { $0 < 0.01 })
        }
    }

    static func latency() -> LatencyDistribution {
        let levels: [Double] = [0, 10, 20, 30, 40, 50, 60, 70, 75, 80, 85, 90, 92.5, 95, 96.875, 98, 99, 99.5, 99.75, 99.9, 99.95, 99.99, 99.995, 99.999, 100]
        func curve(base: Double, tail: Double) -> [PercentilePoint] {
            levels.map { p in
                let nines = PercentileScale.position(p)
                return PercentilePoint(percentile: p, latencyMs: base * (0.35 + 0.65 * pow(1.9, nines)) + tail * pow(max(0, nines - 1.5), 2.2))
            }
        }
        return LatencyDistribution(primary: curve(base: 9, tail: 6), secondary: curve(base: 11, tail: 95))
    }

    static func scaling() -> [ScalingAction] {
        [
            ScalingAction(t: 86, from: 2, to: 4, policy: "predictive", reason: "forecast q0.9 of 3,950 rps in 30 s exceeds 2 instances × 1,550 rps",
                          hook: HookResult(succeeded: true, code: 0, durationMs: 9_400, message: "lab scaled to 4")),
            ScalingAction(t: 131, from: 4, to: 5, policy: "reactive", reason: "p99 above 250 ms for 10 s",
                          hook: HookResult(succeeded: false, code: 1, durationMs: 1_200, message: "lab busy: scale in progress")),
            ScalingAction(t: 141, from: 4, to: 5, policy: "reactive", reason: "retry after failed hook",
                          hook: HookResult(succeeded: true, code: 0, durationMs: 8_700, message: "lab scaled to 5")),
            ScalingAction(t: 168, from: 5, to: 3, policy: "predictive", reason: "forecast falls back to 1,900 rps",
                          hook: HookResult(succeeded: true, code: 0, durationMs: 2_100)),
        ]
    }

    static func faults() -> [FaultRecord] {
        [
            FaultRecord(kind: "latency +200ms", count: 1_240, firstT: 60, lastT: 75, errorsCaused: 0, outcome: "absorbed: p99 rose to 310 ms while injected, back to 60 ms 2 s after"),
            FaultRecord(kind: "abort 503", count: 380, firstT: 130, lastT: 135, errorsCaused: 380, outcome: "not retried by the client path; each abort became a failed request"),
            FaultRecord(kind: "connection reset", count: 45, firstT: 150, lastT: 151, errorsCaused: 12, outcome: "33 of 45 recovered by the connection pool's retry"),
        ]
    }

    static func findings() -> [Finding] {
        [
            Finding(severity: .warning, sentence: "GET /search is 1.9× slower at p99 on the secondary than on the primary (132 ms against 69 ms); the difference is significant.",
                    numbers: [FindingNumber(name: "secondary p99", value: 132, unit: "ms"), FindingNumber(name: "primary p99", value: 69, unit: "ms")]),
            Finding(severity: .critical, sentence: "POST /checkout saturates the secondary at about 3,100 rps on 2 instances: p99 rose from 60 ms to 580 ms and 3.2% of checkouts failed during the flash sale.",
                    numbers: [FindingNumber(name: "saturation", value: 3100, unit: "rps"), FindingNumber(name: "p99 at peak", value: 580, unit: "ms"),
                              FindingNumber(name: "errors at peak", value: 3.2, unit: "%")]),
            Finding(severity: .info, sentence: "The forecast flash sale needs 4 instances of the secondary; 5 keep p99 under 100 ms with headroom.",
                    numbers: [FindingNumber(name: "instances needed", value: 4), FindingNumber(name: "instances with headroom", value: 5)]),
        ]
    }

    static func events() -> [ScenarioEvent] {
        [
            ScenarioEvent(t: 0, name: "ramp", detail: "ramp to the forecast next-hour rate (2,400 rps) over 40 s"),
            ScenarioEvent(t: 90, name: "flash sale", detail: "flash sale: 4,000 rps, checkout share ×3"),
            ScenarioEvent(t: 120, name: "sale ends", detail: "back to the forecast rate"),
        ]
    }
}
