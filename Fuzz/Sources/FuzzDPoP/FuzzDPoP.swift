import FuzzSupport
import StepgateCrypto

/// `DPoPProof.verify` (RFC 9449 §4.3) and `DPoPProof.normalizedURI` on arbitrary text: whatever
/// verifies must be a `dpop+jwt` with a public `jwk` and a `jti` within bounds.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDPoP(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let text = FuzzInput(data, size).text
    if let normalized = DPoPProof.normalizedURI(text) {
        require(!normalized.contains("?") && !normalized.contains("#"), "normalised URI kept a query or fragment")
        require(DPoPProof.normalizedURI(normalized) == normalized, "normalisation is not idempotent")
    }
    // A token request, and a resource request with an access token and a demanded nonce; the
    // seeds in `corpus/FuzzDPoP` were made for these.
    let expectations = [
        DPoPProof.Expectation(method: "POST", uri: "https://id.example/token", now: 1_800_000_000),
        DPoPProof.Expectation(
            method: "GET",
            uri: "https://id.example/userinfo",
            now: 1_800_000_000,
            accessToken: "fuzz-access-token",
            nonce: { $0 == "fuzz-nonce" }
        ),
    ]
    for expected in expectations {
        guard let proof = try? DPoPProof.verify(text, expected) else { continue }
        let header = (try? JWS.decodeWithoutVerifying(text))?.header
        require(header?["typ"] == "dpop+jwt", "verified a proof whose typ is not dpop+jwt")
        require(header?["jwk"]?.hasMember("d") == false, "verified a proof with a private jwk")
        require(!proof.jti.isEmpty && proof.jti.utf8.count <= 256, "verified a jti out of bounds")
        require(proof.thumbprint.utf8.count == 43, "thumbprint is not 43 characters")
    }
    return 0
}
