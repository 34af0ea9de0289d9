import StepgateCrypto
import Testing

/// Ed25519 and RSA keys, and ES256 DER signatures, against published vectors and OpenSSL.
struct SignatureKeyTests {
    /// RFC 8032 §7.1, TEST 1 (empty message) and TEST 2 (one byte).
    static let rfc8032: [(key: String, message: String, signature: String)] = [
        (
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
        ),
        (
            "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
            "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"
        ),
    ]

    @Test(arguments: rfc8032.indices)
    func ed25519_verifiesRFC8032Vector(_ index: Int) throws {
        let vector = Self.rfc8032[index]
        let key = try Ed25519PublicKey(rawRepresentation: hex(vector.key))
        #expect(key.isValidSignature(hex(vector.signature), for: hex(vector.message)))
        #expect(!key.isValidSignature(hex(vector.signature), for: hex(vector.message) + [0]))
    }

    @Test
    func ed25519_refusesNonCanonicalS() throws {
        // S + L (the group order) verifies in lax implementations; RFC 8032 §5.1.7 refuses it.
        let vector = Self.rfc8032[0]
        let order = hex("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010")
        var signature = hex(vector.signature)
        var carry = 0
        for index in 32..<64 {
            let sum = Int(signature[index]) + Int(order[index - 32]) + carry
            signature[index] = UInt8(sum & 0xFF)
            carry = sum >> 8
        }
        let key = try Ed25519PublicKey(rawRepresentation: hex(vector.key))
        #expect(!key.isValidSignature(signature, for: []))
    }

    @Test
    func ed25519_refusesWrongLengths() throws {
        #expect(throws: CryptoError.self) { try Ed25519PublicKey(rawRepresentation: [UInt8](repeating: 1, count: 31)) }
        let key = try Ed25519PrivateKey.generate()
        #expect(!key.publicKey.isValidSignature(Array(try key.sign([1]).dropLast()), for: [1]))
    }

    @Test
    func ed25519PrivateKey_neverPrints() throws {
        #expect(try Ed25519PrivateKey.generate().description == "Ed25519PrivateKey(<redacted>)")
        #expect(try RSAPrivateKey.generate().description == "RSAPrivateKey(<redacted>)")
    }

    @Test
    func rsa_refusesKeysOutOfRange() throws {
        let modulus = try RSAPrivateKey.generate().publicKey.modulus
        #expect(throws: CryptoError.self) { try RSAPublicKey(modulus: Array(modulus.prefix(255)), exponent: [3]) }
        #expect(throws: CryptoError.self) { try RSAPublicKey(modulus: modulus, exponent: [1]) }
        #expect(throws: CryptoError.self) { try RSAPublicKey(modulus: modulus, exponent: []) }
        #expect(throws: CryptoError.self) { try RSAPublicKey(modulus: modulus + [0], exponent: [3]) }
        #expect(throws: CryptoError.self) {
            try RSAPublicKey(modulus: [1] + [UInt8](repeating: 1, count: 1024), exponent: [3])
        }
        #expect(throws: CryptoError.self) { try RSAPrivateKey.generate(bits: 1024) }
    }

    @Test
    func rsa_dropsLeadingZeroBytes() throws {
        let key = try RSAPrivateKey.generate().publicKey
        let padded = try RSAPublicKey(modulus: [0, 0] + key.modulus, exponent: [0] + key.exponent)
        #expect(padded == key)
    }

    @Test
    func es256_derAndJOSESignaturesAgree() throws {
        let key = try ES256PrivateKey.generate()
        let message = Array("message".utf8)
        #expect(key.publicKey.isValidDERSignature(try key.signDER(message), for: message))
        #expect(key.publicKey.isValidSignature(try key.sign(message), for: message))
        #expect(!key.publicKey.isValidDERSignature(try key.sign(message), for: message))
    }

    @Test
    func es256_refusesDERWithTrailingByte() throws {
        let key = try ES256PrivateKey.generate()
        let message = Array("message".utf8)
        #expect(!key.publicKey.isValidDERSignature(try key.signDER(message) + [0], for: message))
        #expect(!key.publicKey.isValidDERSignature([], for: message))
    }

    @Test
    func es256_verifiesRFC7515VectorAsDER() throws {
        // RFC 7515 Appendix A.3, with r||s re-encoded as DER: SEQUENCE { INTEGER r, INTEGER s }.
        let jose = Base64URL.decode(ES256PublicKeyTests.rfcSignature)!
        func integer(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
            let trimmed = Array(bytes.drop { $0 == 0 })
            let body = trimmed[0] & 0x80 != 0 ? [0] + trimmed : trimmed
            return [0x02, UInt8(body.count)] + body
        }
        let content = integer(jose[0..<32]) + integer(jose[32..<64])
        let der = [0x30, UInt8(content.count)] + content
        let key = try ES256PublicKeyTests.rfcKey()
        #expect(key.isValidDERSignature(der, for: Array(ES256PublicKeyTests.rfcSigningInput.utf8)))
    }
}
