internal import COpenSSL

/// An RSA public key that verifies RS256 signatures: RSASSA-PKCS1-v1_5 with SHA-256
/// (RFC 8017 §8.2, RFC 7518 §3.3).
///
/// Two keys are equal when their modulus and exponent are equal.
// @unchecked Sendable: `key` is set in init, only read after; OpenSSL allows sharing an EVP_PKEY read-only.
public final class RSAPublicKey: @unchecked Sendable, Hashable {
    /// The smallest modulus accepted, in bits (NIST SP 800-131A).
    public static let minimumModulusBits = 2048
    /// The largest modulus accepted, in bits; bounds the cost of one verification.
    public static let maximumModulusBits = 8192

    /// The modulus n, big-endian, without leading zero bytes.
    public let modulus: [UInt8]
    /// The public exponent e, big-endian, without leading zero bytes.
    public let exponent: [UInt8]
    private let key: OpaquePointer

    /// The key with modulus `modulus` and public exponent `exponent` (big-endian, leading zero
    /// bytes allowed and dropped).
    ///
    /// Throws `CryptoError.invalidPublicKey` when the modulus is shorter than
    /// `minimumModulusBits` or longer than `maximumModulusBits`, even, or when the exponent is
    /// even, below 3, or longer than 8 bytes.
    public init(modulus: [UInt8], exponent: [UInt8]) throws {
        let n = Array(modulus.drop { $0 == 0 })
        let e = Array(exponent.drop { $0 == 0 })
        let bits = Self.bitLength(n)
        guard bits >= Self.minimumModulusBits, bits <= Self.maximumModulusBits, n.last.map({ $0 & 1 == 1 }) == true
        else {
            throw CryptoError(.invalidPublicKey, "RSA modulus of \(bits) bits, or even")
        }
        guard e.count <= 8, let last = e.last, last & 1 == 1, e.count > 1 || last >= 3 else {
            throw CryptoError(.invalidPublicKey, "RSA exponent even, below 3 or too long")
        }
        guard let made = Self.makeKey(modulus: n, exponent: e) else {
            throw CryptoError(.invalidPublicKey, "OpenSSL refused the RSA key")
        }
        self.key = made
        self.modulus = n
        self.exponent = e
    }

    deinit {
        EVP_PKEY_free(key)
    }

    /// The bit length of a big-endian number without leading zero bytes.
    static func bitLength(_ bytes: [UInt8]) -> Int {
        guard let first = bytes.first else { return 0 }
        return (bytes.count - 1) * 8 + (8 - first.leadingZeroBitCount)
    }

    /// Whether `signature` is a valid RSASSA-PKCS1-v1_5 SHA-256 signature of `message`.
    ///
    /// A signature whose length is not the modulus length returns false.
    public func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        guard signature.count == modulus.count else { return false }
        return EVPSignature.verify(signature, for: message, key: key, digest: EVP_sha256())
    }

    public static func == (lhs: RSAPublicKey, rhs: RSAPublicKey) -> Bool {
        lhs.modulus == rhs.modulus && lhs.exponent == rhs.exponent
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(modulus)
        hasher.combine(exponent)
    }

    /// An EVP_PKEY from n and e, or nil when OpenSSL refuses them.
    private static func makeKey(modulus: [UInt8], exponent: [UInt8]) -> OpaquePointer? {
        guard let builder = OSSL_PARAM_BLD_new() else { return nil }
        defer { OSSL_PARAM_BLD_free(builder) }
        let n = bigNumber(modulus)
        let e = bigNumber(exponent)
        defer {
            BN_free(n)
            BN_free(e)
        }
        // Safety: the builder keeps the parameter names, which have static storage (shim.h),
        // and copies the numbers when it builds the array; n and e live until after that.
        guard let n, let e, OSSL_PARAM_BLD_push_BN(builder, stepgate_param_rsa_n(), n) == 1,
            OSSL_PARAM_BLD_push_BN(builder, stepgate_param_rsa_e(), e) == 1,
            let params = OSSL_PARAM_BLD_to_param(builder)
        else { return nil }
        defer { OSSL_PARAM_free(params) }
        guard let context = EVP_PKEY_CTX_new_from_name(nil, "RSA", nil) else { return nil }
        defer { EVP_PKEY_CTX_free(context) }
        var made: OpaquePointer?
        guard EVP_PKEY_fromdata_init(context) == 1,
            EVP_PKEY_fromdata(context, &made, stepgate_selection_public_key(), params) == 1
        else { return nil }
        return made
    }

    /// A BIGNUM holding the big-endian `bytes`, owned by the caller; nil when OpenSSL fails.
    private static func bigNumber(_ bytes: [UInt8]) -> OpaquePointer? {
        bytes.withUnsafeBytes { buffer in
            // Safety: buffer holds count bytes for the call; BN_bin2bn copies them.
            BN_bin2bn(buffer.baseAddress?.assumingMemoryBound(to: UInt8.self), Int32(buffer.count), nil)
        }
    }
}
