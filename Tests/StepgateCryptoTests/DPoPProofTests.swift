import Foundation
import StepgateCrypto
import Testing

/// RFC 9449 §4.3: one test per refusal of `DPoPProof.verify`, and what it accepts.
struct DPoPProofTests {
    static let now: Int64 = 1_800_000_000
    static let uri = "https://id.example/token"

    let key: ES256PrivateKey
    let jwk: JSONValue

    init() throws {
        key = try ES256PrivateKey.generate()
        jwk = [
            "kty": "EC", "crv": "P-256", "x": .string(Base64URL.encode(key.publicKey.x)),
            "y": .string(Base64URL.encode(key.publicKey.y)),
        ]
    }

    func claims(_ changes: [String: JSONValue?] = [:]) -> [String: JSONValue] {
        var claims: [String: JSONValue] = [
            "jti": "jti-1", "htm": "POST", "htu": .string(Self.uri), "iat": .integer(Self.now),
        ]
        for (name, value) in changes { claims[name] = value }
        return claims
    }

    func proof(
        header: [String: JSONValue]? = nil,
        claims: [String: JSONValue]? = nil,
        signer: ES256PrivateKey? = nil
    ) throws -> String {
        try JWS.sign(
            payload: JSONValue.object(claims ?? self.claims()).serialized(),
            key: signer ?? key,
            header: header ?? ["typ": "dpop+jwt", "jwk": jwk]
        )
    }

    static func unsigned(_ header: JSONValue, _ claims: [String: JSONValue]) -> String {
        Base64URL.encode(header.serialized()) + "." + Base64URL.encode(JSONValue.object(claims).serialized()) + "."
    }

    func expectation(
        method: String = "POST",
        uri: String = Self.uri,
        accessToken: String? = nil,
        nonce: ((String) -> Bool)? = nil
    ) -> DPoPProof.Expectation {
        DPoPProof.Expectation(method: method, uri: uri, now: Self.now, accessToken: accessToken, nonce: nonce)
    }

    func expectRefusal(
        _ compact: String,
        _ expectation: DPoPProof.Expectation,
        _ code: DPoPError.Code,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let error = #expect(throws: DPoPError.self, sourceLocation: sourceLocation) {
            try DPoPProof.verify(compact, expectation)
        }
        #expect(error?.code == code, sourceLocation: sourceLocation)
        #expect(error.map { !"\($0)".contains(compact) } ?? true, sourceLocation: sourceLocation)
    }

    @Test func verify_acceptsValidProof_andGivesThumbprintAndJTI() throws {
        let verified = try DPoPProof.verify(try proof(), expectation())

        #expect(verified.jti == "jti-1")
        #expect(verified.issuedAt == Self.now)
        #expect(verified.thumbprint == key.publicKey.thumbprint)
        #expect(verified.thumbprint.utf8.count == 43)
    }

    @Test func thumbprint_matchesRFC7638Canonicalisation() throws {
        // RFC 7638 §3.2: the required members in lexicographic order, no whitespace.
        let canonical =
            #"{"crv":"P-256","kty":"EC","x":""# + Base64URL.encode(key.publicKey.x) + #"","y":""#
            + Base64URL.encode(key.publicKey.y) + #""}"#
        #expect(key.publicKey.thumbprint == Base64URL.encode(Digest.sha256(canonical)))
        #expect(jwk.serializedString == canonical)
    }

    @Test func verify_refusesMalformedCompact() {
        expectRefusal("not-a-jws", expectation(), .malformed)
        expectRefusal("a.b", expectation(), .malformed)
    }

    @Test func verify_refusesOversizedProof() throws {
        let big = try proof(claims: claims(["pad": .string(String(repeating: "x", count: 5_000))]))
        expectRefusal(big, expectation(), .malformed)
    }

    @Test(arguments: ["JWT", "at+jwt", "DPOP+JWT"])
    func verify_refusesWrongType(_ type: String) throws {
        expectRefusal(try proof(header: ["typ": .string(type), "jwk": jwk]), expectation(), .wrongType)
    }

    @Test func verify_refusesMissingType() throws {
        expectRefusal(try proof(header: ["jwk": jwk]), expectation(), .wrongType)
    }

    @Test(arguments: ["none", "HS256", "RS256", "ES384", "EdDSA"])
    func verify_refusesOtherAlgorithms(_ alg: String) throws {
        let header: JSONValue = ["typ": "dpop+jwt", "alg": .string(alg), "jwk": jwk]
        let signature = Base64URL.encode(try key.sign(Array("x".utf8)))
        expectRefusal(Self.unsigned(header, claims()), expectation(), .unsupportedAlgorithm)
        expectRefusal(Self.unsigned(header, claims()) + signature, expectation(), .unsupportedAlgorithm)
    }

    @Test func verify_refusesCrit() throws {
        let compact = try proof(header: ["typ": "dpop+jwt", "jwk": jwk, "crit": ["exp"]])
        expectRefusal(compact, expectation(), .unsupportedAlgorithm)
    }

    @Test func verify_refusesMissingKey() throws {
        expectRefusal(try proof(header: ["typ": "dpop+jwt"]), expectation(), .invalidKey)
    }

    @Test func verify_refusesKeyNotOnCurve() throws {
        var members = jwk.objectValue ?? [:]
        members["y"] = .string(Base64URL.encode([UInt8](repeating: 1, count: 32)))
        expectRefusal(try proof(header: ["typ": "dpop+jwt", "jwk": .object(members)]), expectation(), .invalidKey)
    }

    @Test(arguments: ["d", "p", "k"])
    func verify_refusesPrivateKeyInJWK(_ member: String) throws {
        var members = jwk.objectValue ?? [:]
        members[member] = .string(Base64URL.encode([UInt8](repeating: 7, count: 32)))
        expectRefusal(try proof(header: ["typ": "dpop+jwt", "jwk": .object(members)]), expectation(), .privateKey)
    }

    @Test func verify_refusesSignatureByAnotherKey() throws {
        let other = try ES256PrivateKey.generate()
        expectRefusal(try proof(signer: other), expectation(), .invalidSignature)
    }

    @Test(arguments: ["jti", "htm", "htu", "iat"])
    func verify_refusesMissingClaim(_ name: String) throws {
        expectRefusal(try proof(claims: claims([name: nil])), expectation(), .invalidClaims)
    }

    @Test func verify_refusesMistypedIssuedAt() throws {
        expectRefusal(try proof(claims: claims(["iat": "1800000000"])), expectation(), .invalidClaims)
    }

    @Test func verify_refusesOverlongOrEmptyJTI() throws {
        let long = String(repeating: "j", count: 257)
        expectRefusal(try proof(claims: claims(["jti": .string(long)])), expectation(), .jtiTooLong)
        expectRefusal(try proof(claims: claims(["jti": ""])), expectation(), .jtiTooLong)
        let longest = String(repeating: "j", count: 256)
        #expect(throws: Never.self) {
            try DPoPProof.verify(try proof(claims: claims(["jti": .string(longest)])), expectation())
        }
    }

    @Test(arguments: ["GET", "post", "PUT"])
    func verify_refusesOtherMethod(_ method: String) throws {
        expectRefusal(try proof(claims: claims(["htm": .string(method)])), expectation(), .methodMismatch)
    }

    @Test(arguments: [
        "https://id.example/userinfo", "http://id.example/token", "https://other.example/token",
        "https://id.example:8443/token", "https://id.example/token/", "/token", "https://user@id.example/token",
    ])
    func verify_refusesOtherURI(_ uri: String) throws {
        expectRefusal(try proof(claims: claims(["htu": .string(uri)])), expectation(), .uriMismatch)
    }

    @Test(arguments: [
        "https://id.example/token?x=1", "https://id.example/token#frag", "HTTPS://ID.Example/token",
        "https://id.example:443/token",
    ])
    func verify_acceptsURIEqualAfterNormalisation(_ uri: String) throws {
        let verified = try DPoPProof.verify(try proof(claims: claims(["htu": .string(uri)])), expectation())
        #expect(verified.jti == "jti-1")
    }

    @Test func normalizedURI_dropsDefaultPortsAndAddsRootPath() {
        #expect(DPoPProof.normalizedURI("http://Host:80") == "http://host/")
        #expect(DPoPProof.normalizedURI("http://host:8080/a?b") == "http://host:8080/a")
        #expect(DPoPProof.normalizedURI("https://[::1]:443/a") == "https://[::1]/a")
        #expect(DPoPProof.normalizedURI("ftp://host/a") == nil)
        #expect(DPoPProof.normalizedURI("https://host:x/a") == nil)
        // Found by FuzzDPoP: a colon inside the host made normalisation not idempotent.
        #expect(DPoPProof.normalizedURI("HTTPS://ID.Exame:443ple:443/token") == nil)
        #expect(DPoPProof.normalizedURI("https://[::1/a") == nil)
    }

    @Test(arguments: [Int64(-61), 61, -3_600, 86_400])
    func verify_refusesIssuedAtOutsideWindow(_ offset: Int64) throws {
        let compact = try proof(claims: claims(["iat": .integer(Self.now + offset)]))
        expectRefusal(compact, expectation(), .issuedAtOutOfWindow)
    }

    @Test(arguments: [Int64(-60), 0, 60])
    func verify_acceptsIssuedAtInsideWindow(_ offset: Int64) throws {
        let compact = try proof(claims: claims(["iat": .integer(Self.now + offset)]))
        #expect(try DPoPProof.verify(compact, expectation()).issuedAt == Self.now + offset)
    }

    @Test func verify_refusesExtremeIssuedAt() throws {
        let compact = try proof(claims: claims(["iat": .integer(Int64.min)]))
        var expected = expectation()
        expected.now = Int64.max
        expectRefusal(compact, expected, .issuedAtOutOfWindow)
    }

    @Test func verify_checksAccessTokenHash() throws {
        let token = "access-token-value"
        let ath = Base64URL.encode(Digest.sha256(token))
        let good = try proof(claims: claims(["ath": .string(ath)]))
        #expect(try DPoPProof.verify(good, expectation(accessToken: token)).jti == "jti-1")

        expectRefusal(good, expectation(accessToken: "another-token"), .accessTokenHashMismatch)
        expectRefusal(try proof(), expectation(accessToken: token), .accessTokenHashMismatch)
    }

    @Test func verify_demandsNonceWhenAsked() throws {
        let accepts: (String) -> Bool = { $0 == "server-nonce" }
        expectRefusal(try proof(), expectation(nonce: accepts), .nonceMissing)
        expectRefusal(try proof(claims: claims(["nonce": "stale"])), expectation(nonce: accepts), .nonceInvalid)
        let good = try proof(claims: claims(["nonce": "server-nonce"]))
        #expect(try DPoPProof.verify(good, expectation(nonce: accepts)).jti == "jti-1")
        #expect(try DPoPProof.verify(good, expectation()).jti == "jti-1")
    }

    /// The libFuzzer seeds in `Fuzz/corpus/FuzzDPoP` reach the accepting path of the verifier.
    @Test func fuzzSeeds_verifyAgainstTheFuzzersExpectations() throws {
        let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fuzz/corpus/FuzzDPoP")
        let plain = try String(contentsOf: corpus.appendingPathComponent("proof.jwt"), encoding: .utf8)
        let bound = try String(contentsOf: corpus.appendingPathComponent("proof-ath-nonce.jwt"), encoding: .utf8)

        #expect(try DPoPProof.verify(plain, expectation()).jti == "seed-1")
        let resource = DPoPProof.Expectation(
            method: "GET",
            uri: "https://id.example/userinfo",
            now: Self.now,
            accessToken: "fuzz-access-token",
            nonce: { $0 == "fuzz-nonce" }
        )
        #expect(try DPoPProof.verify(bound, resource).jti == "seed-2")
    }
}
