internal import COpenSSL

/// An ECDSA P-256 public key that verifies ES256 signatures (RFC 7518 §3.4).
///
/// Two keys are equal when their coordinates are equal.
// @unchecked Sendable: `key` is set in init, only read after; OpenSSL allows sharing an EVP_PKEY read-only.
public final class ES256PublicKey: @unchecked Sendable, Hashable {
    /// The affine x coordinate, big-endian, always 32 bytes.
    public let x: [UInt8]
    /// The affine y coordinate, big-endian, always 32 bytes.
    public let y: [UInt8]
    private let key: OpaquePointer

    /// The key with affine coordinates `x` and `y` (32 bytes each, big-endian).
    ///
    /// Throws `CryptoError.invalidPublicKey` when a coordinate is not 32 bytes or the point is
    /// not on P-256 (or is not a valid public key of the group).
    public init(x: [UInt8], y: [UInt8]) throws {
        guard x.count == 32, y.count == 32 else {
            throw CryptoError(.invalidPublicKey, "coordinates must be 32 bytes each")
        }
        guard let key = Self.makeKey(point: [0x04] + x + y) else {
            throw CryptoError(.invalidPublicKey, "point is not on P-256")
        }
        self.key = key
        self.x = x
        self.y = y
    }

    deinit {
        EVP_PKEY_free(key)
    }

    /// Whether `signature` (64-byte JOSE r||s) is a valid ES256 signature of `message`.
    ///
    /// Any other length, and r or s of zero, return false.
    public func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        guard signature.count == 64, let der = Self.derSignature(fromJOSE: signature) else {
            return false
        }
        return isValidDERSignature(der, for: message)
    }

    /// Whether `signature`, an ASN.1 DER ECDSA-Sig-Value (RFC 3279 §2.2.3), is a valid ECDSA
    /// P-256 signature over the SHA-256 of `message`.
    ///
    /// This is the form WebAuthn and X.509 use (WebAuthn §6.5.5). OpenSSL refuses encodings
    /// that are not strict DER, and trailing bytes, so one signature has one accepted form.
    public func isValidDERSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        EVPSignature.verify(signature, for: message, key: key, digest: EVP_sha256())
    }

    /// The RFC 7638 JWK thumbprint: base64url of SHA-256 over the canonical JWK members.
    public var thumbprint: String {
        let canonical =
            #"{"crv":"P-256","kty":"EC","x":""# + Base64URL.encode(x) + #"","y":""#
            + Base64URL.encode(y) + #""}"#
        return Base64URL.encode(Digest.sha256(canonical))
    }

    public static func == (lhs: ES256PublicKey, rhs: ES256PublicKey) -> Bool {
        lhs.x == rhs.x && lhs.y == rhs.y
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(x)
        hasher.combine(y)
    }

    /// An EVP_PKEY from an uncompressed SEC1 point, or nil when the point is not a valid key.
    private static func makeKey(point: [UInt8]) -> OpaquePointer? {
        guard let context = EVP_PKEY_CTX_new_from_name(nil, "EC", nil) else { return nil }
        defer { EVP_PKEY_CTX_free(context) }
        guard EVP_PKEY_fromdata_init(context) == 1 else { return nil }
        var made: OpaquePointer?
        let ok = point.withUnsafeBytes { pointBytes in
            // Safety: the parameter names and group name have static storage (shim.h), and the
            // point buffer lives until fromdata returns, which is the last use of `params`.
            var params = [
                OSSL_PARAM_construct_utf8_string(
                    stepgate_param_group_name(),
                    stepgate_group_p256(),
                    0
                ),
                OSSL_PARAM_construct_octet_string(
                    stepgate_param_pub_key(),
                    UnsafeMutableRawPointer(mutating: pointBytes.baseAddress),
                    pointBytes.count
                ),
                OSSL_PARAM_construct_end(),
            ]
            return EVP_PKEY_fromdata(context, &made, stepgate_selection_public_key(), &params)
        }
        guard ok == 1, let made else { return nil }
        guard isValidPublicKey(made) else {
            EVP_PKEY_free(made)
            return nil
        }
        return made
    }

    /// Full public-key validation (SP 800-56A §5.6.2.3.3): on the curve, not infinity, in the group.
    private static func isValidPublicKey(_ key: OpaquePointer) -> Bool {
        guard let context = EVP_PKEY_CTX_new_from_pkey(nil, key, nil) else { return false }
        defer { EVP_PKEY_CTX_free(context) }
        return EVP_PKEY_public_check(context) == 1
    }

    /// The DER ECDSA-Sig-Value for a 64-byte r||s, or nil when r or s is zero.
    private static func derSignature(fromJOSE signature: [UInt8]) -> [UInt8]? {
        guard let sig = ECDSA_SIG_new() else { return nil }
        defer { ECDSA_SIG_free(sig) }
        let (r, s) = signature.withUnsafeBytes { bytes in
            // Safety: bytes holds 64 bytes; each call reads 32 of them during the call.
            let base = bytes.baseAddress!.assumingMemoryBound(to: UInt8.self)
            return (BN_bin2bn(base, 32, nil), BN_bin2bn(base + 32, 32, nil))
        }
        guard let r, let s, BN_is_zero(r) == 0, BN_is_zero(s) == 0, ECDSA_SIG_set0(sig, r, s) == 1
        else {
            BN_free(r)
            BN_free(s)
            return nil
        }
        let length = i2d_ECDSA_SIG(sig, nil)
        guard length > 0 else { return nil }
        var der = [UInt8](repeating: 0, count: Int(length))
        let written = der.withUnsafeMutableBytes { buffer in
            // Safety: buffer holds `length` bytes, the size i2d just reported for this value.
            var cursor = buffer.baseAddress?.assumingMemoryBound(to: UInt8.self)
            return i2d_ECDSA_SIG(sig, &cursor)
        }
        return written == length ? der : nil
    }
}
