import Foundation
import StepgateCrypto
import Testing

@testable import StepgateProbe

@Suite struct JWTForgeryTests {
    let key: ES256PrivateKey
    let jwk: JWK
    let genuine: String

    init() throws {
        key = try ES256PrivateKey.generate()
        jwk = JWK(kid: "k1", publicKey: key.publicKey)
        let claims: JSONValue = ["iss": "https://issuer.example", "aud": "api", "exp": 2_000_000_000]
        genuine = try JWS.sign(payload: claims.serialized(), key: key, kid: "k1", type: "at+jwt")
    }

    func parts(_ token: String) throws -> JWTForgery.Parts {
        try #require(JWTForgery.parts(token))
    }

    @Test func parts_readsHeaderClaimsAndSignature() throws {
        let parts = try parts(genuine)
        #expect(parts.header["kid"] == "k1")
        #expect(parts.claims["aud"] == "api")
        #expect(parts.signature.count == 64)
    }

    @Test(arguments: ["opaque-token", "a.b", "e30.e30.!!", "WzFd.e30."])
    func parts_rejectsNonJWTs(_ token: String) {
        #expect(JWTForgery.parts(token) == nil)
    }

    @Test(arguments: ["none", "None", "NONE"])
    func unsigned_hasTheAlgAndAnEmptySignature(_ alg: String) throws {
        let genuineParts = try parts(genuine)
        let alone = JWTForgery.unsigned(genuineParts, alg: alg, keepingHeader: false)
        #expect(alone.hasSuffix("."))
        let aloneParts = try parts(alone)
        #expect(aloneParts.header == ["alg": .string(alg)])
        #expect(aloneParts.payloadSegment == genuineParts.payloadSegment)
        #expect(aloneParts.signature.isEmpty)

        let kept = try parts(JWTForgery.unsigned(genuineParts, alg: alg, keepingHeader: true))
        #expect(kept.header["typ"] == "at+jwt")
        #expect(kept.header["kid"] == "k1")
        #expect(kept.header["alg"] == .string(alg))
    }

    @Test func replacingClaims_keepsTheGenuineSignatureWhichNoLongerVerifies() throws {
        let genuineParts = try parts(genuine)
        var claims = genuineParts.claims
        claims["aud"] = "other"
        let forged = JWTForgery.replacingClaims(genuineParts, with: claims)
        let forgedParts = try parts(forged)
        #expect(forgedParts.claims["aud"] == "other")
        #expect(forgedParts.signatureSegment == genuineParts.signatureSegment)
        #expect(throws: JOSEError.self) { try JWS.verify(forged) { _ in key.publicKey } }
    }

    @Test func flippingSignatureBit_changesOneBitOnly() throws {
        let genuineParts = try parts(genuine)
        for byte in [0, 31, 63] {
            let forged = try parts(JWTForgery.flippingSignatureBit(genuineParts, byte: byte, bit: 3))
            let changed = zip(forged.signature, genuineParts.signature).map { ($0 ^ $1).nonzeroBitCount }
            #expect(changed.reduce(0, +) == 1)
            #expect(changed[byte] == 1)
        }
    }

    @Test func hmacSigned_isHS256UnderThePublicKeyBytes() throws {
        let genuineParts = try parts(genuine)
        let secret = PublicKeyEncodings.spkiDER(jwk)
        let forged = JWTForgery.hmacSigned(genuineParts, secret: secret, kid: "other")
        let forgedParts = try parts(forged)
        #expect(forgedParts.header["alg"] == "HS256")
        #expect(forgedParts.header["kid"] == "other")
        let input = forged.split(separator: ".").prefix(2).joined(separator: ".")
        #expect(HMAC.isValid(forgedParts.signature, .sha256, key: secret, message: Array(input.utf8)))
    }

    @Test func signed_verifiesUnderTheProbesKeyOnly() throws {
        let genuineParts = try parts(genuine)
        let probeKey = try ES256PrivateKey.generate()
        var header = genuineParts.header
        header["jwk"] = JWK(kid: "probe", publicKey: probeKey.publicKey).json
        let forged = try JWTForgery.signed(genuineParts, header: header, key: probeKey)
        #expect(try JWS.verify(forged) { _ in probeKey.publicKey }.payload.isEmpty == false)
        #expect(throws: JOSEError.self) { try JWS.verify(forged) { _ in key.publicKey } }
    }

    @Test func confusionSecrets_holdPEMDERPointAndJWK() throws {
        let secrets = PublicKeyEncodings.confusionSecrets(jwk, served: [jwk.json.serializedString, "{\"x\":1}"])
        let pem = String(decoding: try #require(secrets.first).secret, as: UTF8.self)
        #expect(pem.hasPrefix("-----BEGIN PUBLIC KEY-----\n"))
        #expect(pem.hasSuffix("\n-----END PUBLIC KEY-----\n"))
        let body = pem.split(separator: "\n").dropFirst().dropLast().joined()
        #expect(Data(base64Encoded: body).map { Array($0) } == PublicKeyEncodings.spkiDER(jwk))
        #expect(PublicKeyEncodings.spkiDER(jwk).count == 91)
        #expect(PublicKeyEncodings.point(jwk).first == 0x04)
        // The served copy equal to the probe's own JWK JSON is not tried twice.
        #expect(secrets.count == 6)
    }
}
