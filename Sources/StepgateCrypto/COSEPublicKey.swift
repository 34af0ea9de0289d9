/// A credential public key read from a COSE_Key (RFC 9052 §7, RFC 9053; WebAuthn §5.8.5):
/// ES256 on P-256, EdDSA on Ed25519, or RS256 with a modulus of at least 2048 bits.
///
/// The key keeps the exact CBOR bytes it was read from, which is what a relying party stores.
/// Two keys are equal when those bytes are equal.
public struct COSEPublicKey: Sendable, Hashable {
    /// The algorithm the key is bound to; signatures of any other algorithm are refused.
    public let algorithm: COSEAlgorithm
    /// The COSE_Key as CBOR, byte for byte as read or built.
    public let encoded: [UInt8]
    private let key: Key

    private enum Key: Sendable, Hashable {
        case es256(ES256PublicKey)
        case ed25519(Ed25519PublicKey)
        case rs256(RSAPublicKey)
    }

    private enum Label {
        static let keyType: CBORValue = 1
        static let algorithm: CBORValue = 3
        static let curve: CBORValue = -1
        static let x: CBORValue = -2
        static let y: CBORValue = -3
        static let ecPrivate: CBORValue = -4
        static let modulus: CBORValue = -1
        static let exponent: CBORValue = -2
        static let rsaPrivate: CBORValue = -3
    }

    /// The key in the COSE_Key `cbor`, which must be exactly one CBOR map.
    ///
    /// Throws `COSEError`: `.malformed` for bytes that are not one CBOR map, missing or
    /// mistyped parameters and private-key parameters; `.unsupportedKeyType`,
    /// `.unsupportedAlgorithm` (missing `alg` too) and `.unsupportedCurve` for anything but
    /// the three supported combinations; `.keyTooShort` for an RSA modulus under 2048 bits;
    /// `.invalidKey` when the parameters make no valid key. Unknown public parameters are
    /// ignored.
    public init(cbor: [UInt8]) throws(COSEError) {
        let value: CBORValue
        do {
            value = try CBORValue.decode(cbor)
        } catch {
            throw COSEError(.malformed, "COSE_Key is not one CBOR item (\(error.code))")
        }
        guard value.mapValue != nil else { throw COSEError(.malformed, "COSE_Key is not a map") }
        guard let keyType = value[Label.keyType]?.integerValue else {
            throw COSEError(.malformed, "kty missing or not an integer")
        }
        guard let algorithm = value[Label.algorithm]?.integerValue.map(COSEAlgorithm.init) else {
            throw COSEError(.unsupportedAlgorithm, "alg missing or not an integer")
        }
        switch keyType {
        case 2: self.key = try Self.es256Key(value, algorithm: algorithm)
        case 1: self.key = try Self.ed25519Key(value, algorithm: algorithm)
        case 3: self.key = try Self.rs256Key(value, algorithm: algorithm)
        default: throw COSEError(.unsupportedKeyType, "kty \(keyType)")
        }
        self.algorithm = algorithm
        self.encoded = cbor
    }

    /// The COSE_Key of an ES256 key: kty 2, alg -7, crv 1, x, y, in CTAP2 canonical order.
    public init(_ key: ES256PublicKey) {
        self.init(
            key: .es256(key),
            algorithm: .es256,
            parameters: [
                (Label.keyType, 2), (Label.curve, 1), (Label.x, .byteString(key.x)),
                (Label.y, .byteString(key.y)),
            ]
        )
    }

    /// The COSE_Key of an Ed25519 key: kty 1, alg -8, crv 6, x, in CTAP2 canonical order.
    public init(_ key: Ed25519PublicKey) {
        self.init(
            key: .ed25519(key),
            algorithm: .edDSA,
            parameters: [
                (Label.keyType, 1), (Label.curve, 6), (Label.x, .byteString(key.rawRepresentation)),
            ]
        )
    }

    /// The COSE_Key of an RSA key: kty 3, alg -257, n, e, in CTAP2 canonical order.
    public init(_ key: RSAPublicKey) {
        self.init(
            key: .rs256(key),
            algorithm: .rs256,
            parameters: [
                (Label.keyType, 3), (Label.modulus, .byteString(key.modulus)),
                (Label.exponent, .byteString(key.exponent)),
            ]
        )
    }

    /// Builds the map with `alg` second, after `kty`, as canonical order puts 3 after 1.
    private init(key: Key, algorithm: COSEAlgorithm, parameters: [(CBORValue, CBORValue)]) {
        var pairs: [(key: CBORValue, value: CBORValue)] = [(parameters[0].0, parameters[0].1)]
        pairs.append((Label.algorithm, CBORValue(algorithm.rawValue)))
        pairs += parameters.dropFirst().map { (key: $0.0, value: $0.1) }
        self.key = key
        self.algorithm = algorithm
        self.encoded = CBORValue.map(pairs).encoded()
    }

    /// Whether `signature` is a valid signature of `message` by this key under `algorithm`.
    ///
    /// The signature has the form WebAuthn gives it (§6.5.5): an ASN.1 DER ECDSA-Sig-Value
    /// for ES256, 64 bytes R || S for EdDSA, and a PKCS #1 v1.5 block as long as the modulus
    /// for RS256. Anything else returns false.
    public func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        switch key {
        case .es256(let key): key.isValidDERSignature(signature, for: message)
        case .ed25519(let key): key.isValidSignature(signature, for: message)
        case .rs256(let key): key.isValidSignature(signature, for: message)
        }
    }

    public static func == (lhs: COSEPublicKey, rhs: COSEPublicKey) -> Bool {
        lhs.encoded == rhs.encoded
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(encoded)
    }

    /// Checks what every key type shares: the algorithm that fits it, no private parameter,
    /// and (for EC2 and OKP) the curve.
    private static func checkParameters(
        of map: CBORValue,
        keyType: String,
        algorithm: COSEAlgorithm,
        expected: COSEAlgorithm,
        privateLabel: CBORValue,
        curve: Int64? = nil
    ) throws(COSEError) {
        guard algorithm == expected else {
            throw COSEError(.unsupportedAlgorithm, "\(keyType) key with alg \(algorithm)")
        }
        guard map[privateLabel] == nil else {
            throw COSEError(.malformed, "\(keyType) key holds a private parameter")
        }
        if let curve, map[Label.curve]?.integerValue != curve {
            throw COSEError(.unsupportedCurve, "\(keyType) crv is not \(curve)")
        }
    }

    private static func es256Key(_ map: CBORValue, algorithm: COSEAlgorithm) throws(COSEError) -> Key {
        try checkParameters(
            of: map,
            keyType: "EC2",
            algorithm: algorithm,
            expected: .es256,
            privateLabel: Label.ecPrivate,
            curve: 1
        )
        guard let x = map[Label.x]?.bytesValue, let y = map[Label.y]?.bytesValue else {
            throw COSEError(.malformed, "EC2 x or y missing or not a byte string")
        }
        do {
            return .es256(try ES256PublicKey(x: x, y: y))
        } catch {
            throw COSEError(.invalidKey, "EC2 x and y are not a P-256 point")
        }
    }

    private static func ed25519Key(_ map: CBORValue, algorithm: COSEAlgorithm) throws(COSEError) -> Key {
        try checkParameters(
            of: map,
            keyType: "OKP",
            algorithm: algorithm,
            expected: .edDSA,
            privateLabel: Label.ecPrivate,
            curve: 6
        )
        guard let x = map[Label.x]?.bytesValue else {
            throw COSEError(.malformed, "OKP x missing or not a byte string")
        }
        do {
            return .ed25519(try Ed25519PublicKey(rawRepresentation: x))
        } catch {
            throw COSEError(.invalidKey, "OKP x is not 32 bytes")
        }
    }

    private static func rs256Key(_ map: CBORValue, algorithm: COSEAlgorithm) throws(COSEError) -> Key {
        try checkParameters(
            of: map,
            keyType: "RSA",
            algorithm: algorithm,
            expected: .rs256,
            privateLabel: Label.rsaPrivate
        )
        guard let n = map[Label.modulus]?.bytesValue, let e = map[Label.exponent]?.bytesValue else {
            throw COSEError(.malformed, "RSA n or e missing or not a byte string")
        }
        let bits = RSAPublicKey.bitLength(Array(n.drop { $0 == 0 }))
        guard bits >= RSAPublicKey.minimumModulusBits else {
            throw COSEError(.keyTooShort, "RSA modulus of \(bits) bits")
        }
        do {
            return .rs256(try RSAPublicKey(modulus: n, exponent: e))
        } catch {
            throw COSEError(.invalidKey, "RSA n or e refused")
        }
    }
}
