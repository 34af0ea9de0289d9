import StepgateCrypto
import Testing

struct ES256PublicKeyTests {
    /// RFC 7515 Appendix A.3.1: the public half of the example key.
    static let rfcX = "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU"
    static let rfcY = "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"
    static let rfcSigningInput =
        "eyJhbGciOiJFUzI1NiJ9."
        + "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
    static let rfcSignature =
        "DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q"

    static func rfcKey() throws -> ES256PublicKey {
        try ES256PublicKey(x: Base64URL.decode(rfcX)!, y: Base64URL.decode(rfcY)!)
    }

    @Test
    func isValidSignature_acceptsRFC7515AppendixA3() throws {
        let key = try Self.rfcKey()
        #expect(
            key.isValidSignature(
                Base64URL.decode(Self.rfcSignature)!,
                for: Array(Self.rfcSigningInput.utf8)
            )
        )
    }

    @Test
    func isValidSignature_rejectsRFC7515VectorWithChangedInput() throws {
        let key = try Self.rfcKey()
        let input = Array((Self.rfcSigningInput + "x").utf8)
        #expect(!key.isValidSignature(Base64URL.decode(Self.rfcSignature)!, for: input))
    }

    @Test(arguments: [0, 63, 65, 72])
    func isValidSignature_rejectsWrongLength(_ length: Int) throws {
        let signature = Base64URL.decode(Self.rfcSignature)!
        let resized = Array((signature + signature).prefix(length))
        #expect(try !Self.rfcKey().isValidSignature(resized, for: Array(Self.rfcSigningInput.utf8)))
    }

    @Test
    func isValidSignature_rejectsZeroRAndS() throws {
        #expect(try !Self.rfcKey().isValidSignature([UInt8](repeating: 0, count: 64), for: [1]))
    }

    @Test
    func init_rejectsPointOffCurve() {
        let error = #expect(throws: CryptoError.self) {
            try ES256PublicKey(
                x: [UInt8](repeating: 1, count: 32),
                y: [UInt8](repeating: 2, count: 32)
            )
        }
        #expect(error?.code == .invalidPublicKey)
    }

    @Test
    func init_rejectsShortCoordinate() {
        let error = #expect(throws: CryptoError.self) {
            try ES256PublicKey(
                x: Array(Base64URL.decode(Self.rfcX)!.dropFirst()),
                y: Base64URL.decode(Self.rfcY)!
            )
        }
        #expect(error?.code == .invalidPublicKey)
    }

    @Test
    func thumbprint_matchesRFC7638Construction() throws {
        let key = try Self.rfcKey()
        let canonical = #"{"crv":"P-256","kty":"EC","x":"\#(Self.rfcX)","y":"\#(Self.rfcY)"}"#
        #expect(key.thumbprint == Base64URL.encode(Digest.sha256(canonical)))
        #expect(key.thumbprint.utf8.count == 43)
    }

    @Test
    func equality_followsCoordinates() throws {
        #expect(try Self.rfcKey() == Self.rfcKey())
        #expect(try Self.rfcKey() != ES256PrivateKey.generate().publicKey)
    }
}
