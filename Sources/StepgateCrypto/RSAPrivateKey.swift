internal import COpenSSL

/// An RSA private key that makes RS256 signatures: RSASSA-PKCS1-v1_5 with SHA-256.
///
/// For software authenticators (the probe, tests); the key cannot be exported and never prints.
// @unchecked Sendable: `key` is set in init, only read after; OpenSSL allows sharing an EVP_PKEY read-only.
public final class RSAPrivateKey: @unchecked Sendable, CustomStringConvertible {
    /// The matching public key.
    public let publicKey: RSAPublicKey
    private let key: OpaquePointer

    private init(owning key: OpaquePointer) throws {
        do {
            self.publicKey = try RSAPublicKey(
                modulus: Self.number(of: key, name: OSSL_PKEY_PARAM_RSA_N),
                exponent: Self.number(of: key, name: OSSL_PKEY_PARAM_RSA_E)
            )
        } catch {
            EVP_PKEY_free(key)
            throw error
        }
        self.key = key
    }

    /// A fresh key of `bits` bits (default 2048) with exponent 65537, from OpenSSL's CSPRNG.
    ///
    /// Takes tens to hundreds of milliseconds. Throws `CryptoError.keyGenerationFailed` when
    /// OpenSSL refuses, and `CryptoError.invalidPublicKey` when `bits` is outside the range
    /// `RSAPublicKey` accepts.
    public static func generate(bits: Int = 2048) throws -> RSAPrivateKey {
        guard let context = EVP_PKEY_CTX_new_from_name(nil, "RSA", nil) else {
            throw CryptoError(.keyGenerationFailed, "EVP_PKEY_CTX_new_from_name failed")
        }
        defer { EVP_PKEY_CTX_free(context) }
        var made: OpaquePointer?
        guard EVP_PKEY_keygen_init(context) == 1,
            EVP_PKEY_CTX_set_rsa_keygen_bits(context, Int32(clamping: bits)) == 1,
            EVP_PKEY_generate(context, &made) == 1, let made
        else {
            throw CryptoError(.keyGenerationFailed, "EVP_PKEY_generate failed")
        }
        return try RSAPrivateKey(owning: made)
    }

    deinit {
        EVP_PKEY_free(key)
    }

    /// The RSASSA-PKCS1-v1_5 SHA-256 signature of `message`, as long as the modulus.
    ///
    /// Throws `CryptoError.signingFailed` when OpenSSL refuses.
    public func sign(_ message: [UInt8]) throws -> [UInt8] {
        try EVPSignature.sign(message, key: key, digest: EVP_sha256())
    }

    public var description: String { "RSAPrivateKey(<redacted>)" }

    private static func number(of key: OpaquePointer, name: String) throws -> [UInt8] {
        var number: OpaquePointer?
        // The name is only read during the call, so a temporary C string is fine here.
        guard EVP_PKEY_get_bn_param(key, name, &number) == 1, let number else {
            throw CryptoError(.keyGenerationFailed, "RSA public parameter missing")
        }
        defer { BN_free(number) }
        let length = Int((BN_num_bits(number) + 7) / 8)
        var output = [UInt8](repeating: 0, count: length)
        let written = output.withUnsafeMutableBytes { buffer in
            // Safety: buffer holds `length` bytes, the size of the number; BN_bn2bin writes that many.
            BN_bn2bin(number, buffer.baseAddress?.assumingMemoryBound(to: UInt8.self))
        }
        guard Int(written) == length else { throw CryptoError(.keyGenerationFailed, "BN_bn2bin failed") }
        return output
    }
}
