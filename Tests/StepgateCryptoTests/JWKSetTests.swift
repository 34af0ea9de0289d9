import StepgateCrypto
import Testing

struct JWKSetTests {
    @Test
    func json_roundTrips() throws {
        let set = JWKSet(keys: [
            JWK(kid: "a", publicKey: try ES256PrivateKey.generate().publicKey),
            JWK(kid: "b", publicKey: try ES256PrivateKey.generate().publicKey),
        ])
        let parsed = try JWKSet(json: JSONValue.parse(set.json.serialized()))
        #expect(parsed == set)
        #expect(parsed.key(kid: "b") == set.keys[1])
        #expect(parsed.key(kid: "c") == nil)
    }

    @Test
    func initJSON_skipsUnsupportedKeys() throws {
        let json: JSONValue = [
            "keys": [
                ["kty": "RSA", "kid": "r", "n": "AQAB", "e": "AQAB"],
                JWKTests.with("crv", "P-384"),
                JWKTests.with("use", "enc"),
                JWKTests.rfcJWK,
            ]
        ]
        let set = try JWKSet(json: json)
        #expect(set.keys.map(\.kid) == ["rfc"])
    }

    @Test
    func initJSON_rejectsPrivateKeyInSet() {
        let json: JSONValue = [
            "keys": [JWKTests.with("d", "jpsQnnGQmL-YBIffH1136cLSG9zlTYlB-WKCuLR6qQk")]
        ]
        let error = #expect(throws: JOSEError.self) { try JWKSet(json: json) }
        #expect(error?.code == .privateKeyMember)
    }

    @Test
    func initJSON_rejectsDuplicateKid() {
        let json: JSONValue = ["keys": [JWKTests.rfcJWK, JWKTests.rfcJWK]]
        let error = #expect(throws: JOSEError.self) { try JWKSet(json: json) }
        #expect(error?.code == .duplicateKeyID)
    }

    @Test(arguments: [[:], ["keys": "x"], ["keys": nil], [1]] as [JSONValue])
    func initJSON_rejectsMissingKeysArray(_ json: JSONValue) {
        let error = #expect(throws: JOSEError.self) { try JWKSet(json: json) }
        #expect(error?.code == .malformed)
    }

    @Test
    func verify_findsKeyThroughSet() throws {
        let key = try ES256PrivateKey.generate()
        let set = JWKSet(keys: [JWK(kid: "sig-1", publicKey: key.publicKey)])
        let compact = try JWS.sign(payload: [1, 2, 3], key: key, kid: "sig-1")
        #expect(
            try JWS.verify(compact, keys: { set.key(kid: $0)?.publicKey }).payload == [1, 2, 3]
        )
    }
}
