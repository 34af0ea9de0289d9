// swift-tools-version:6.0
import Foundation
import PackageDescription

// libFuzzer targets for Stepgate's own parsers of untrusted bytes. A separate package, so the
// root package's `swift build` and `swift test` never try to link these executables, which
// have no `main` and link only with `--sanitize=fuzzer`. Build and run them with
// `scripts/fuzz.sh`.

/// SwiftPM names a path dependency after its folder, so the root package's identity is the
/// checkout directory's name (`stepgate`, `wt-fuzz`, ...), not the `name:` in its manifest.
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().lastPathComponent.lowercased()

let crypto = Target.Dependency.product(name: "StepgateCrypto", package: root)
let core = Target.Dependency.product(name: "StepgateCore", package: root)
let http = Target.Dependency.product(name: "StepgateHTTP", package: root)
let server = Target.Dependency.product(name: "StepgateServer", package: root)
let probe = Target.Dependency.product(name: "StepgateProbe", package: root)

/// One libFuzzer executable: `-parse-as-library` because it exports
/// `LLVMFuzzerTestOneInput` instead of having a `main`.
func fuzzer(_ name: String, _ dependencies: [Target.Dependency]) -> Target {
    .executableTarget(
        name: name,
        dependencies: ["FuzzSupport"] + dependencies,
        swiftSettings: [
            .swiftLanguageMode(.v6),
            .enableUpcomingFeature("ExistentialAny"),
            .unsafeFlags(["-parse-as-library"]),
        ]
    )
}

let package = Package(
    name: "StepgateFuzz",
    dependencies: [.package(path: "..")],
    targets: [
        .target(name: "FuzzSupport", swiftSettings: [.swiftLanguageMode(.v6)]),
        fuzzer("FuzzJSON", [crypto]),
        fuzzer("FuzzBase", [crypto]),
        fuzzer("FuzzJWS", [crypto]),
        fuzzer("FuzzJWK", [crypto]),
        fuzzer("FuzzDPoP", [crypto]),
        fuzzer("FuzzPassword", [crypto]),
        fuzzer("FuzzForm", [http]),
        fuzzer("FuzzHeaders", [http]),
        fuzzer("FuzzConfig", [core]),
        fuzzer("FuzzCBOR", [crypto]),
        fuzzer("FuzzWebAuthn", [core, crypto]),
        fuzzer("FuzzProbeTarget", [probe]),
        fuzzer("FuzzProbeHTML", [probe]),
        fuzzer("FuzzProbeChallenge", [probe]),
        fuzzer("FuzzProbeTokens", [probe, crypto]),
        fuzzer("FuzzPolicy", [core]),
        fuzzer("FuzzPolicyCases", [core]),
        fuzzer("FuzzAuthorizationDetails", [core, crypto]),
        fuzzer("FuzzForwarded", [server, http, core]),
    ]
)
