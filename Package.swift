// swift-tools-version:6.1
import PackageDescription

/// Layers, bottom up (see README "Architecture"):
/// C libraries and Basics (codec and time) → Postgres / HTTPClient (drivers) → Money, Pricing (pure) → Providers → Ledger →
/// Jobs → Reports → API → the `videoledger` executable.
let package = Package(
    name: "VideoLedger",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "videoledger", targets: ["VideoLedgerCLI"])
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: []),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
    ],
    targets: [
        // C libraries. `providers` only hints; `scripts/ensure-deps.sh` installs them.
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),

        // Codec and time: JSON, UTC days, ISO 8601 instants, durations, child processes. A leaf
        // every layer uses, so each of these is written once.
        .target(name: "Basics"),
        // The providers and what sets each apart: the one list every layer reads.
        .target(name: "ProviderRegistry"),

        // Drivers: the only code that touches libpq and libcurl.
        .target(
            name: "Postgres",
            dependencies: [
                "CLibPQ", "Basics",
                .product(name: "Logging", package: "swift-log"),
            ]),
        .target(
            name: "HTTPClient",
            dependencies: [
                "CCurl", "Basics",
                .product(name: "Logging", package: "swift-log"),
            ]),

        // Pure domain.
        .target(name: "Money"),
        .target(
            name: "Pricing",
            dependencies: [
                "Money", "Basics", "ProviderRegistry",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]),

        // Provider adapters and the simulator of their APIs.
        .target(
            name: "Providers",
            dependencies: [
                "Money", "Basics", "ProviderRegistry", "HTTPClient",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .target(
            name: "ProviderSimulator",
            dependencies: [
                "Money", "Basics", "ProviderRegistry",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ], exclude: ["README.md"]),

        // Money in PostgreSQL.
        .target(
            name: "Ledger",
            dependencies: [
                "Basics", "Money", "Postgres",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .target(
            name: "Jobs",
            dependencies: [
                "Money", "Basics", "ProviderRegistry", "Postgres", "Ledger", "Pricing", "Providers", "HTTPClient",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
        // Reconciliation: the auditor. Reads what it audits, writes jobs only through Jobs.
        .target(
            name: "Reconciliation",
            dependencies: [
                "Money", "Basics", "ProviderRegistry", "Postgres", "Ledger", "Pricing", "Providers", "Jobs",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
        .target(
            name: "Reports",
            dependencies: [
                "Money", "Basics", "Postgres",
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
        .target(
            name: "API",
            dependencies: [
                "Money", "Basics", "ProviderRegistry", "Postgres", "Ledger", "Pricing", "Jobs", "Reconciliation",
                "Reports",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            resources: [
                // The OpenAPI document, compiled into the binary (`PackageResources.openapi_yaml`):
                // nothing to locate at run time, so a copied binary never serves a stale file.
                .embedInCode("openapi.yaml")
            ]),

        .executableTarget(
            name: "VideoLedgerCLI",
            dependencies: [
                "Money", "Basics", "ProviderRegistry", "Postgres", "Ledger", "Pricing", "HTTPClient", "Providers",
                "ProviderSimulator",
                "Jobs", "Reconciliation", "Reports", "API",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),

        // Tests share one throwaway PostgreSQL cluster per test process (see TestSupport).
        .target(name: "TestSupport", dependencies: ["Basics", "Postgres", "Ledger"], path: "Tests/TestSupport"),
        .testTarget(name: "MoneyTests", dependencies: ["Money"]),
        .testTarget(name: "PostgresTests", dependencies: ["Basics", "Postgres", "TestSupport"]),
        .testTarget(name: "LedgerTests", dependencies: ["Ledger", "Money", "Postgres", "TestSupport"]),
        // Providers: the price books are walked against the requests the adapters send.
        .testTarget(
            name: "PricingTests",
            dependencies: ["Pricing", "Money", "Basics", "ProviderRegistry", "Providers", "HTTPClient"]),
        .testTarget(name: "HTTPClientTests", dependencies: ["HTTPClient"]),
        .testTarget(
            name: "ProvidersTests",
            dependencies: [
                "Providers", "Money", "Basics", "HTTPClient", "ProviderSimulator", "ProviderRegistry",
            ]),
        .testTarget(
            name: "ProviderSimulatorTests", dependencies: ["ProviderSimulator", "Money", "Basics", "ProviderRegistry"]),
        .testTarget(
            name: "APITests",
            dependencies: [
                "API", "Money", "Basics", "ProviderRegistry", "Postgres", "Pricing", "Ledger", "HTTPClient",
                "TestSupport", "Jobs", "Reconciliation", "Reports",
                "Providers", "ProviderSimulator",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Yams", package: "Yams"),
            ]),
        .testTarget(
            name: "JobsTests",
            dependencies: [
                "Jobs", "Ledger", "Pricing", "Providers", "ProviderSimulator", "HTTPClient", "Money", "Basics",
                "Postgres",
                "ProviderRegistry", "Reconciliation", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
            ]),
        // A real process for JobsTests' crash test to SIGKILL: submits and polls a batch of jobs
        // through the same Jobs API `videoledger serve` runs (built with the tests).
        .executableTarget(
            name: "JobsCrashWorker",
            dependencies: [
                "Jobs", "ProviderRegistry", "Pricing", "Providers", "Postgres", "HTTPClient",
                .product(name: "Logging", package: "swift-log"),
            ], path: "Tests/JobsCrashWorker"),
        .testTarget(
            name: "ReportsTests", dependencies: ["Reports", "Ledger", "Money", "Basics", "Postgres", "TestSupport"]),
    ]
)
