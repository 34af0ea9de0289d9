internal import COpenSSL

/// An Ed25519 private key that makes EdDSA signatures (RFC 8032 §5.1).
///
/// For software authenticators (the probe, tests); the key cannot be exported and never prints.
// @unchecked Sendable: `key` is set in init, only read after; OpenSSL allows sharing an EVP_PKEY read-only.
public final class Ed25519PrivateKey: @unchecked Sendable, CustomStringConvertible {
    /// The matching public key.
    public let publicKey: Ed25519PublicKey
    private let key: OpaquePointer

    private init(owning key: OpaquePointer) throws {
        var raw = [UInt8](repeating: 0, count: 32)
        var length = raw.count
        let ok = raw.withUnsafeMutableBytes { buffer in
            // Safety: buffer holds `length` (32) bytes; OpenSSL writes at most that many.
            EVP_PKEY_get_raw_public_key(key, buffer.baseAddress?.assumingMemoryBound(to: UInt8.self), &length)
        }
        guard ok == 1, length == 32 else {
            EVP_PKEY_free(key)
            throw CryptoError(.keyGenerationFailed, "Ed25519 public key not readable")
        }
        do {
            self.publicKey = try Ed25519PublicKey(rawRepresentation: raw)
        } catch {
            EVP_PKEY_free(key)
            throw error
        }
        self.key = key
    }

    /// A fresh key from OpenSSL's CSPRNG.
    ///
    /// Throws `CryptoError.keyGenerationFailed` when OpenSSL refuses.
    public static func generate() throws -> Ed25519PrivateKey {
        guard let context = EVP_PKEY_CTX_new_from_name(nil, "ED25519", nil) else {
            throw CryptoError(.keyGenerationFailed, "EVP_PKEY_CTX_new_from_name failed")
        }
        defer { EVP_PKEY_CTX_free(context) }
        var made: OpaquePointer?
        guard EVP_PKEY_keygen_init(context) == 1, EVP_PKEY_generate(context, &made) == 1, let made else {
            throw CryptoError(.keyGenerationFailed, "EVP_PKEY_generate failed")
        }
        return try Ed25519PrivateKey(owning: made)
    }

    deinit {
        EVP_PKEY_free(key)
    }

    /// The 64-byte Ed25519 signature (R || S) of `message`.
    ///
    /// Throws `CryptoError.signingFailed` when OpenSSL refuses.
    public func sign(_ message: [UInt8]) throws -> [UInt8] {
        try EVPSignature.sign(message, key: key, digest: nil)
    }

    public var description: String { "Ed25519PrivateKey(<redacted>)" }
}
