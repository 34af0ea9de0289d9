import StepgateCrypto
import Testing

struct COSEPublicKeyTests {
    static let message = Array("authenticator data || client data hash".utf8)

    /// A COSE_Key map with `pairs`, encoded.
    static func key(_ pairs: [(CBORValue, CBORValue)]) -> [UInt8] {
        CBORValue.map(pairs.map { (key: $0.0, value: $0.1) }).encoded()
    }

    static let x = [UInt8](repeating: 1, count: 32)

    @Test
    func es256_readsBackAndVerifiesDERSignature() throws {
        let privateKey = try ES256PrivateKey.generate()
        let built = COSEPublicKey(privateKey.publicKey)
        let read = try COSEPublicKey(cbor: built.encoded)
        #expect(read == built)
        #expect(read.algorithm == .es256)
        #expect(read.isValidSignature(try privateKey.signDER(Self.message), for: Self.message))
    }

    @Test
    func es256_refusesJOSESignatureAndOtherMessage() throws {
        let privateKey = try ES256PrivateKey.generate()
        let key = COSEPublicKey(privateKey.publicKey)
        #expect(!key.isValidSignature(try privateKey.sign(Self.message), for: Self.message))
        #expect(!key.isValidSignature(try privateKey.signDER(Self.message), for: Self.message + [0]))
    }

    @Test
    func es256_encodesInCTAP2CanonicalOrder() throws {
        let key = COSEPublicKey(try ES256PrivateKey.generate().publicKey)
        let keys = try CBORValue.decode(key.encoded).mapValue?.map(\.key)
        #expect(keys == [1, 3, -1, -2, -3])
        #expect(Array(key.encoded.prefix(7)) == hex("a5010203262001"))
    }

    @Test
    func edDSA_readsBackAndVerifies() throws {
        let privateKey = try Ed25519PrivateKey.generate()
        let read = try COSEPublicKey(cbor: COSEPublicKey(privateKey.publicKey).encoded)
        #expect(read.algorithm == .edDSA)
        let signature = try privateKey.sign(Self.message)
        #expect(signature.count == 64)
        #expect(read.isValidSignature(signature, for: Self.message))
        #expect(!read.isValidSignature(signature, for: Self.message + [0]))
    }

    @Test
    func rs256_readsBackAndVerifies() throws {
        let privateKey = try RSAPrivateKey.generate()
        let read = try COSEPublicKey(cbor: COSEPublicKey(privateKey.publicKey).encoded)
        #expect(read.algorithm == .rs256)
        #expect(privateKey.publicKey.exponent == [0x01, 0x00, 0x01])
        let signature = try privateKey.sign(Self.message)
        #expect(signature.count == 256)
        #expect(read.isValidSignature(signature, for: Self.message))
        #expect(!read.isValidSignature(signature, for: Self.message + [0]))
        #expect(!read.isValidSignature(Array(signature.dropLast()), for: Self.message))
    }

    @Test
    func isValidSignature_refusesFlippedByte() throws {
        let privateKey = try ES256PrivateKey.generate()
        var signature = try privateKey.signDER(Self.message)
        signature[signature.count - 1] ^= 0x01
        #expect(!COSEPublicKey(privateKey.publicKey).isValidSignature(signature, for: Self.message))
    }

    @Test
    func isValidSignature_refusesSignatureOfOtherAlgorithm() throws {
        let ed25519 = try Ed25519PrivateKey.generate()
        let es256 = try ES256PrivateKey.generate()
        #expect(!COSEPublicKey(es256.publicKey).isValidSignature(try ed25519.sign(Self.message), for: Self.message))
        #expect(!COSEPublicKey(ed25519.publicKey).isValidSignature(try es256.signDER(Self.message), for: Self.message))
    }

    @Test
    func init_refusesWrongAlgorithmForEC2() throws {
        let error = #expect(throws: COSEError.self) {
            try COSEPublicKey(
                cbor: Self.key([(1, 2), (3, -8), (-1, 1), (-2, .byteString(Self.x)), (-3, .byteString(Self.x))])
            )
        }
        #expect(error?.code == .unsupportedAlgorithm)
    }

    @Test(arguments: [CBORValue(-35), CBORValue(-36), CBORValue(-37), CBORValue(-65535), CBORValue("ES256")])
    func init_refusesUnsupportedOrMistypedAlgorithm(_ algorithm: CBORValue) {
        let error = #expect(throws: COSEError.self) {
            try COSEPublicKey(cbor: Self.key([(1, 2), (3, algorithm), (-1, 1), (-2, .byteString(Self.x))]))
        }
        #expect(error?.code == .unsupportedAlgorithm)
    }

    @Test
    func init_refusesMissingAlgorithm() {
        let error = #expect(throws: COSEError.self) {
            try COSEPublicKey(cbor: Self.key([(1, 1), (-1, 6), (-2, .byteString(Self.x))]))
        }
        #expect(error?.code == .unsupportedAlgorithm)
    }

    @Test
    func init_refusesP384Curve() {
        let error = #expect(throws: COSEError.self) {
            try COSEPublicKey(
                cbor: Self.key([(1, 2), (3, -7), (-1, 2), (-2, .byteString(Self.x)), (-3, .byteString(Self.x))])
            )
        }
        #expect(error?.code == .unsupportedCurve)
    }

    @Test
    func init_refusesX25519OrEd448Curve() {
        for curve: CBORValue in [4, 7] {
            let error = #expect(throws: COSEError.self) {
                try COSEPublicKey(cbor: Self.key([(1, 1), (3, -8), (-1, curve), (-2, .byteString(Self.x))]))
            }
            #expect(error?.code == .unsupportedCurve)
        }
    }

    @Test(arguments: [CBORValue(4), CBORValue(5), CBORValue(0), CBORValue("EC2")])
    func init_refusesUnsupportedKeyType(_ keyType: CBORValue) {
        let error = #expect(throws: COSEError.self) { try COSEPublicKey(cbor: Self.key([(1, keyType), (3, -7)])) }
        #expect(error?.code == (keyType.integerValue == nil ? .malformed : .unsupportedKeyType))
    }

    @Test
    func init_refusesRSAModulusUnder2048Bits() {
        let modulus = [0xC0] + [UInt8](repeating: 0x55, count: 126) + [0x01]
        let error = #expect(throws: COSEError.self) {
            try COSEPublicKey(
                cbor: Self.key([(1, 3), (3, -257), (-1, .byteString(modulus)), (-2, .byteString([1, 0, 1]))])
            )
        }
        #expect(error?.code == .keyTooShort)
    }

    @Test
    func init_refusesRSAModulusPaddedToLookLong() throws {
        let real = try RSAPrivateKey.generate().publicKey
        let short = [UInt8](repeating: 0, count: 200) + Array(real.modulus.prefix(128))
        let error = #expect(throws: COSEError.self) {
            try COSEPublicKey(
                cbor: Self.key([(1, 3), (3, -257), (-1, .byteString(short)), (-2, .byteString([1, 0, 1]))])
            )
        }
        #expect(error?.code == .keyTooShort)
    }

    @Test
    func init_refusesEvenRSAExponent() throws {
        let modulus = try RSAPrivateKey.generate().publicKey.modulus
        let error = #expect(throws: COSEError.self) {
            try COSEPublicKey(
                cbor: Self.key([(1, 3), (3, -257), (-1, .byteString(modulus)), (-2, .byteString([1, 0, 0]))])
            )
        }
        #expect(error?.code == .invalidKey)
    }

    @Test
    func init_refusesPointOffCurve() {
        let error = #expect(throws: COSEError.self) {
            try COSEPublicKey(
                cbor: Self.key([(1, 2), (3, -7), (-1, 1), (-2, .byteString(Self.x)), (-3, .byteString(Self.x))])
            )
        }
        #expect(error?.code == .invalidKey)
    }

    @Test
    func init_refusesShortCoordinate() throws {
        let real = try ES256PrivateKey.generate().publicKey
        let error = #expect(throws: COSEError.self) {
            try COSEPublicKey(
                cbor: Self.key([
                    (1, 2), (3, -7), (-1, 1), (-2, .byteString(Array(real.x.dropFirst()))), (-3, .byteString(real.y)),
                ])
            )
        }
        #expect(error?.code == .invalidKey)
    }

    @Test
    func init_refusesShortEd25519Key() {
        let error = #expect(throws: COSEError.self) {
            try COSEPublicKey(cbor: Self.key([(1, 1), (3, -8), (-1, 6), (-2, .byteString(Array(Self.x.dropLast())))]))
        }
        #expect(error?.code == .invalidKey)
    }

    @Test
    func init_refusesPrivateKeyParameter() throws {
        let real = try ES256PrivateKey.generate().publicKey
        let error = #expect(throws: COSEError.self) {
            try COSEPublicKey(
                cbor: Self.key([
                    (1, 2), (3, -7), (-1, 1), (-2, .byteString(real.x)), (-3, .byteString(real.y)),
                    (-4, .byteString(Self.x)),
                ])
            )
        }
        #expect(error?.code == .malformed)
    }

    @Test
    func init_refusesMissingCoordinate() {
        let error = #expect(throws: COSEError.self) {
            try COSEPublicKey(cbor: Self.key([(1, 2), (3, -7), (-1, 1), (-2, .byteString(Self.x))]))
        }
        #expect(error?.code == .malformed)
    }

    @Test(arguments: ["80", "a0", "01", "", "a201020304"])
    func init_refusesNonMapOrIncompleteMap(_ encoding: String) {
        let error = #expect(throws: COSEError.self) { try COSEPublicKey(cbor: hex(encoding)) }
        #expect(error?.code == (encoding == "a201020304" ? .unsupportedAlgorithm : .malformed))
    }

    @Test
    func init_refusesTrailingBytes() throws {
        let encoded = COSEPublicKey(try Ed25519PrivateKey.generate().publicKey).encoded
        let error = #expect(throws: COSEError.self) { try COSEPublicKey(cbor: encoded + [0]) }
        #expect(error?.code == .malformed)
    }

    @Test
    func init_ignoresUnknownPublicParameter() throws {
        let real = try Ed25519PrivateKey.generate().publicKey
        let key = try COSEPublicKey(
            cbor: Self.key([(1, 1), (3, -8), (-1, 6), (-2, .byteString(real.rawRepresentation)), (2, .byteString([7]))])
        )
        #expect(key.algorithm == .edDSA)
    }

    @Test
    func algorithm_describesSupportedAndOther() {
        #expect(COSEAlgorithm.supported.map(\.description) == ["ES256", "EdDSA", "RS256"])
        #expect(COSEAlgorithm(rawValue: -35).description == "COSE(-35)")
    }
}
