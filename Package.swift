// swift-tools-version:6.0
import PackageDescription

/// A Debian C library reached through a module map and a shim header; nothing else.
func systemLibrary(_ name: String, pkgConfig: String, apt: String) -> Target {
    .systemLibrary(
        name: name,
        path: "Sources/\(name)",
        pkgConfig: pkgConfig,
        providers: [.apt([apt])]
    )
}

let strict: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "Stepgate",
    products: [
        .executable(name: "stepgate", targets: ["stepgate"]),
        .executable(name: "stepgate-bench", targets: ["StepgateBench"]),
        // Libraries only so that the fuzz package in Fuzz/ can depend on these modules.
        .library(name: "StepgateCrypto", targets: ["StepgateCrypto"]),
        .library(name: "StepgateCore", targets: ["StepgateCore"]),
        .library(name: "StepgateHTTP", targets: ["StepgateHTTP"]),
        .library(name: "StepgateServer", targets: ["StepgateServer"]),
        .library(name: "StepgateProbe", targets: ["StepgateProbe"]),
    ],
    targets: [
        systemLibrary("COpenSSL", pkgConfig: "libcrypto", apt: "libssl-dev"),
        systemLibrary("CSQLite", pkgConfig: "sqlite3", apt: "libsqlite3-dev"),
        systemLibrary("CLibPQ", pkgConfig: "libpq", apt: "libpq-dev"),
        systemLibrary("CMicroHTTPD", pkgConfig: "libmicrohttpd", apt: "libmicrohttpd-dev"),
        systemLibrary("CArgon2", pkgConfig: "libargon2", apt: "libargon2-dev"),
        systemLibrary("CCurl", pkgConfig: "libcurl", apt: "libcurl4-openssl-dev"),
        systemLibrary("CMaxMindDB", pkgConfig: "libmaxminddb", apt: "libmaxminddb-dev"),
        systemLibrary("CQREncode", pkgConfig: "libqrencode", apt: "libqrencode-dev"),
        systemLibrary("CYAML", pkgConfig: "yaml-0.1", apt: "libyaml-dev"),

        .target(name: "StepgateCrypto", dependencies: ["COpenSSL", "CArgon2"], swiftSettings: strict),
        .target(name: "StepgateCore", dependencies: ["StepgateCrypto"], swiftSettings: strict),
        .target(
            name: "StepgateStore",
            dependencies: ["StepgateCore", "CSQLite", "CLibPQ", "CMaxMindDB"],
            swiftSettings: strict
        ),
        .target(
            name: "StepgateHTTP",
            dependencies: ["StepgateCore", "StepgateCrypto", "CMicroHTTPD", "CCurl"],
            swiftSettings: strict
        ),
        .target(
            name: "StepgateServer",
            dependencies: ["StepgateHTTP", "StepgateStore", "StepgateCore", "StepgateCrypto", "CQREncode"],
            swiftSettings: strict
        ),
        // The attack harness: talks to any provider over HTTP only, so never the server or the store.
        .target(
            name: "StepgateProbe",
            dependencies: ["StepgateHTTP", "StepgateCore", "StepgateCrypto", "StepgateTestSupport", "CYAML"],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "stepgate",
            dependencies: ["StepgateServer", "StepgateProbe", "StepgateStore", "StepgateCore", "StepgateCrypto"],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "StepgateBench",
            dependencies: ["StepgateServer", "StepgateStore", "StepgateHTTP", "StepgateCore", "StepgateCrypto"],
            swiftSettings: strict
        ),

        // A software WebAuthn authenticator, for the tests and the probe; never part of the server.
        .target(name: "StepgateTestSupport", dependencies: ["StepgateCore", "StepgateCrypto"], swiftSettings: strict),

        .testTarget(name: "StepgateCryptoTests", dependencies: ["StepgateCrypto"], swiftSettings: strict),
        .testTarget(
            name: "StepgateCoreTests",
            dependencies: ["StepgateCore", "StepgateCrypto", "StepgateTestSupport"],
            // WebAuthn ceremonies recorded from Chromium by scripts/record-webauthn.sh.
            resources: [.copy("Fixtures")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "StepgateStoreTests",
            dependencies: ["StepgateStore", "StepgateCore", "StepgateCrypto"],
            swiftSettings: strict
        ),
        .testTarget(name: "StepgateHTTPTests", dependencies: ["StepgateHTTP", "StepgateCore"], swiftSettings: strict),
        .testTarget(
            name: "StepgateProbeTests",
            dependencies: ["StepgateProbe", "StepgateHTTP", "StepgateCore", "StepgateCrypto"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "StepgateServerTests",
            dependencies: [
                "StepgateServer", "StepgateHTTP", "StepgateStore", "StepgateCore", "StepgateCrypto",
                "StepgateTestSupport",
            ],
            swiftSettings: strict
        ),
    ]
)
