// swift-tools-version: 6.1
//
// Shadowcast: one package, one module per pipeline stage (see README "Architecture").
// Data flows Traffic → Profiler → Forecast → Synthesis → Emission → Monitor → Autoscale;
// Shadow, Lab and Report sit beside the pipeline; `Shadowcast` re-exports the public API and
// `shadowcast` is the command-line tool.
import PackageDescription
import Foundation

/// package-benchmark makes every `swift build` much slower (BUILD-NOTES.md), so the benchmark
/// targets exist only when SHADOWCAST_BENCHMARKS is set: `SHADOWCAST_BENCHMARKS=1 swift package benchmark`.
let withBenchmarks = ProcessInfo.processInfo.environment["SHADOWCAST_BENCHMARKS"] != nil

var dependencies: [Package.Dependency] = [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
    .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
    .package(url: "https://github.com/apple/swift-metrics", from: "2.5.0"),
    .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
    .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.1.0"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
    .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
]

var targets: [Target] = [
    // MARK: System libraries (pkg-config; installed by tools/bootstrap)
    .systemLibrary(
        name: "COpenBLAS", path: "CSources/COpenBLAS", pkgConfig: "openblas",
        providers: [.apt(["libopenblas-dev", "pkg-config"])]),
    .systemLibrary(
        name: "CURing", path: "CSources/CURing", pkgConfig: "liburing",
        providers: [.apt(["liburing-dev", "pkg-config"])]),
    .systemLibrary(
        name: "CZlib", path: "CSources/CZlib", pkgConfig: "zlib",
        providers: [.apt(["zlib1g-dev", "pkg-config"])]),

    // MARK: C cores
    .target(
        name: "CEmit", dependencies: ["CURing"], path: "CSources/CEmit",
        cSettings: [.define("_GNU_SOURCE")]),
    .target(
        name: "CLSTM", dependencies: ["COpenBLAS"], path: "CSources/CLSTM",
        cSettings: [.define("_GNU_SOURCE")]),

    // MARK: Pipeline stages
    .target(name: "Traffic", dependencies: ["CZlib"]),
    .target(name: "Profiler", dependencies: ["Traffic"]),
    .target(name: "Forecast", dependencies: ["CLSTM"]),
    .target(
        name: "Synthesis",
        dependencies: ["Traffic", "Profiler", .product(name: "Yams", package: "Yams")]),
    .target(
        name: "Emission",
        dependencies: [
            "CEmit", "Traffic",
            .product(name: "Histogram", package: "hdrhistogram-swift"),
        ]),
    .target(
        name: "Monitor",
        dependencies: [
            "Traffic", "Emission",
            .product(name: "Histogram", package: "hdrhistogram-swift"),
        ]),
    .target(
        name: "Autoscale",
        dependencies: [.product(name: "Logging", package: "swift-log")]),
    // Prometheus text-format helpers (label escaping), shared by Lab and Telemetry, which
    // otherwise have no module in common.
    .target(name: "PrometheusFormat"),
    .target(
        name: "Lab",
        dependencies: [
            "PrometheusFormat",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "Yams", package: "Yams"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
    .target(
        name: "Shadow",
        dependencies: [
            "Traffic",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Histogram", package: "hdrhistogram-swift"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
    .target(name: "Report", dependencies: ["Traffic"]),
    .target(
        name: "Telemetry",
        dependencies: [
            "PrometheusFormat",
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
        ]),
    .target(
        name: "Shadowcast",
        dependencies: [
            "Traffic", "Profiler", "Forecast", "Synthesis", "Emission", "Monitor", "Autoscale",
            "Lab", "Shadow", "Report", "Telemetry",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
    .executableTarget(
        name: "shadowcast",
        dependencies: [
            "Shadowcast",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),

    // MARK: Tests (Swift Testing)
    // Helpers several test targets share: the real-log samples, a blocking loopback HTTP client.
    .target(name: "TestSupport", path: "Tests/TestSupport"),
    .testTarget(name: "TrafficTests", dependencies: ["Traffic", "TestSupport"]),
    .testTarget(name: "ProfilerTests", dependencies: ["Profiler", "Traffic", "TestSupport"]),
    .testTarget(name: "ForecastTests", dependencies: ["Forecast"]),
    .testTarget(name: "SynthesisTests", dependencies: ["Synthesis", "Profiler", "Traffic", "Emission", "TestSupport"]),
    .testTarget(name: "EmissionTests", dependencies: ["Emission", "Traffic", "TestSupport"]),
    .testTarget(name: "MonitorTests", dependencies: ["Monitor", "Lab"]),
    .testTarget(name: "AutoscaleTests", dependencies: ["Autoscale", "Lab"]),
    .testTarget(name: "LabTests", dependencies: ["Lab", "TestSupport"]),
    .testTarget(
        name: "ShadowTests",
        dependencies: [
            "Shadow", "Traffic",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
        ]),
    .testTarget(name: "ReportTests", dependencies: ["Report"], exclude: ["Fixtures"]),
    .testTarget(
        name: "TelemetryTests",
        dependencies: ["Telemetry", "TestSupport", .product(name: "Metrics", package: "swift-metrics")]),
    .testTarget(name: "ShadowcastTests", dependencies: [
        "Shadowcast", "Telemetry", .product(name: "Prometheus", package: "swift-prometheus")]),
    .testTarget(name: "ShadowcastCLITests", dependencies: ["shadowcast", "TestSupport"]),
]

if withBenchmarks {
    dependencies.append(
        .package(url: "https://github.com/ordo-one/package-benchmark", from: "1.38.0",
                 traits: ["MallocInterposer"]))
    // One package-benchmark suite per measured stage, each in Benchmarks/<Name>/ (added when present).
    let packageDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    let suites: [(name: String, modules: [Target.Dependency])] = [
        ("EmissionBenchmarks", ["Emission", "Traffic"]),
        ("ForecastBenchmarks", ["Forecast"]),
        ("ProfilerBenchmarks", ["Profiler", "Traffic"]),
        ("SynthesisBenchmarks", ["Synthesis", "Profiler", "Traffic"]),
    ]
    for suite in suites
    where FileManager.default.fileExists(atPath: packageDirectory.appendingPathComponent("Benchmarks/\(suite.name)").path) {
        targets.append(
            .executableTarget(
                name: suite.name,
                dependencies: suite.modules + [.product(name: "Benchmark", package: "package-benchmark")],
                path: "Benchmarks/\(suite.name)",
                plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]))
    }
}

let package = Package(
    name: "shadowcast",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "Shadowcast", targets: ["Shadowcast"]),
        .library(name: "CEmit", targets: ["CEmit"]),
        .library(name: "CLSTM", targets: ["CLSTM"]),
        .executable(name: "shadowcast", targets: ["shadowcast"]),
    ],
    dependencies: dependencies,
    targets: targets,
    cLanguageStandard: .c11
)
