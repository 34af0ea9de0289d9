internal import COpenSSL

/// An Ed25519 public key that verifies EdDSA signatures (RFC 8032 §5.1).
///
/// Two keys are equal when their 32-byte encodings are equal.
// @unchecked Sendable: `key` is set in init, only read after; OpenSSL allows sharing an EVP_PKEY read-only.
public final class Ed25519PublicKey: @unchecked Sendable, Hashable {
    /// The key as RFC 8032 encodes it: 32 bytes.
    public let rawRepresentation: [UInt8]
    private let key: OpaquePointer

    /// The key whose RFC 8032 encoding is `rawRepresentation`.
    ///
    /// Throws `CryptoError.invalidPublicKey` when it is not 32 bytes or OpenSSL refuses it.
    /// OpenSSL does not check here that the bytes encode a point on the curve; a key that does
    /// not verifies no signature.
    public init(rawRepresentation: [UInt8]) throws {
        guard rawRepresentation.count == 32 else {
            throw CryptoError(.invalidPublicKey, "Ed25519 key must be 32 bytes")
        }
        let made = rawRepresentation.withUnsafeBytes { bytes in
            // Safety: bytes holds 32 bytes for the call; OpenSSL copies them into the key.
            EVP_PKEY_new_raw_public_key(
                EVP_PKEY_ED25519,
                nil,
                bytes.baseAddress?.assumingMemoryBound(to: UInt8.self),
                bytes.count
            )
        }
        guard let made else { throw CryptoError(.invalidPublicKey, "OpenSSL refused the Ed25519 key") }
        self.key = made
        self.rawRepresentation = rawRepresentation
    }

    deinit {
        EVP_PKEY_free(key)
    }

    /// Whether `signature` (64 bytes, R || S) is a valid Ed25519 signature of `message`.
    ///
    /// Any other length returns false. OpenSSL refuses S at or above the group order, so a
    /// signature cannot be altered into another valid one.
    public func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        guard signature.count == 64 else { return false }
        return EVPSignature.verify(signature, for: message, key: key, digest: nil)
    }

    public static func == (lhs: Ed25519PublicKey, rhs: Ed25519PublicKey) -> Bool {
        lhs.rawRepresentation == rhs.rawRepresentation
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(rawRepresentation)
    }
}
