import StepgateCrypto
import Testing

struct JWKTests {
    static let rfcJWK: JSONValue = [
        "kty": "EC", "crv": "P-256", "x": .string(ES256PublicKeyTests.rfcX),
        "y": .string(ES256PublicKeyTests.rfcY),
        "kid": "rfc",
    ]

    static func with(_ member: String, _ value: JSONValue?) -> JSONValue {
        var members = rfcJWK.objectValue!
        members[member] = value
        return .object(members)
    }

    static func expectRejection(_ json: JSONValue, _ code: JOSEError.Code) {
        let error = #expect(throws: JOSEError.self) { try JWK(json: json) }
        #expect(error?.code == code)
    }

    @Test
    func initJSON_readsRFC7515Key() throws {
        let jwk = try JWK(json: Self.rfcJWK)
        #expect(jwk.kid == "rfc")
        #expect(jwk.publicKey == (try ES256PublicKeyTests.rfcKey()))
    }

    @Test
    func json_writesAllMembers() throws {
        let jwk = try JWK(json: Self.rfcJWK)
        let expected =
            #"{"alg":"ES256","crv":"P-256","kid":"rfc","kty":"EC","use":"sig","#
            + #""x":"\#(ES256PublicKeyTests.rfcX)","y":"\#(ES256PublicKeyTests.rfcY)"}"#
        #expect(jwk.json.serializedString == expected)
        #expect(try JWK(json: jwk.json) == jwk)
    }

    @Test
    func json_roundTripsGeneratedKeys() throws {
        for index in 0..<10 {
            let jwk = JWK(kid: "k\(index)", publicKey: try ES256PrivateKey.generate().publicKey)
            #expect(try JWK(json: JSONValue.parse(jwk.json.serialized())) == jwk)
        }
    }

    @Test
    func initJSON_rejectsNonObject() {
        Self.expectRejection(["a"], .malformed)
    }

    @Test(arguments: ["RSA", "OKP", "oct", "ec"])
    func initJSON_rejectsOtherKeyType(_ kty: String) {
        Self.expectRejection(Self.with("kty", .string(kty)), .unsupportedKeyType)
    }

    @Test
    func initJSON_rejectsMissingKeyType() {
        Self.expectRejection(Self.with("kty", nil), .unsupportedKeyType)
    }

    @Test(arguments: ["P-384", "P-521", "secp256k1", "p-256"])
    func initJSON_rejectsOtherCurve(_ crv: String) {
        Self.expectRejection(Self.with("crv", .string(crv)), .unsupportedCurve)
    }

    @Test(arguments: ["ES384", "HS256", "none", "es256"])
    func initJSON_rejectsOtherAlgorithm(_ alg: String) {
        Self.expectRejection(Self.with("alg", .string(alg)), .unsupportedAlgorithm)
    }

    @Test
    func initJSON_rejectsEncryptionUse() {
        Self.expectRejection(Self.with("use", "enc"), .unsupportedUse)
    }

    @Test
    func initJSON_rejectsPrivateMember() {
        Self.expectRejection(
            Self.with("d", "jpsQnnGQmL-YBIffH1136cLSG9zlTYlB-WKCuLR6qQk"),
            .privateKeyMember
        )
    }

    @Test
    func initJSON_rejectsNullPrivateMember() {
        Self.expectRejection(Self.with("d", .null), .privateKeyMember)
    }

    @Test
    func initJSON_rejectsShortCoordinate() {
        let short = Base64URL.encode(Array(Base64URL.decode(ES256PublicKeyTests.rfcX)!.dropFirst()))
        Self.expectRejection(Self.with("x", .string(short)), .invalidCoordinate)
    }

    @Test
    func initJSON_rejectsPaddedCoordinate() {
        Self.expectRejection(
            Self.with("x", .string(ES256PublicKeyTests.rfcX + "=")),
            .invalidCoordinate
        )
    }

    @Test
    func initJSON_rejectsMissingCoordinate() {
        Self.expectRejection(Self.with("y", nil), .invalidCoordinate)
    }

    @Test
    func initJSON_rejectsPointOffCurve() {
        Self.expectRejection(Self.with("y", .string(ES256PublicKeyTests.rfcX)), .invalidCoordinate)
    }

    @Test(arguments: [nil, "", 5] as [JSONValue?])
    func initJSON_rejectsMissingKid(_ kid: JSONValue?) {
        Self.expectRejection(Self.with("kid", kid), .missingKeyID)
    }
}
