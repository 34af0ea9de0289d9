internal import COpenSSL

/// An ECDSA P-256 private key that makes ES256 signatures (RFC 7518 §3.4).
///
/// The key never prints: export it only through `pkcs8DER`, and seal that before storing it.
// @unchecked Sendable: `key` is set in init, only read after; OpenSSL allows sharing an EVP_PKEY read-only.
public final class ES256PrivateKey: @unchecked Sendable, CustomStringConvertible {
    /// The matching public key.
    public let publicKey: ES256PublicKey
    private let key: OpaquePointer

    private init(owning key: OpaquePointer) throws {
        do {
            try Self.checkIsP256PrivateKey(key)
            self.publicKey = try Self.publicKey(of: key)
        } catch {
            EVP_PKEY_free(key)
            throw error
        }
        self.key = key
    }

    /// A fresh key from OpenSSL's CSPRNG.
    ///
    /// Throws `CryptoError.keyGenerationFailed` when OpenSSL refuses.
    public static func generate() throws -> ES256PrivateKey {
        guard let context = EVP_PKEY_CTX_new_from_name(nil, "EC", nil) else {
            throw CryptoError(.keyGenerationFailed, "EVP_PKEY_CTX_new_from_name failed")
        }
        defer { EVP_PKEY_CTX_free(context) }
        guard EVP_PKEY_keygen_init(context) == 1 else {
            throw CryptoError(.keyGenerationFailed, "EVP_PKEY_keygen_init failed")
        }
        // Safety: the parameter name and group name have static storage (shim.h).
        var params = [
            OSSL_PARAM_construct_utf8_string(stepgate_param_group_name(), stepgate_group_p256(), 0),
            OSSL_PARAM_construct_end(),
        ]
        guard EVP_PKEY_CTX_set_params(context, &params) == 1 else {
            throw CryptoError(.keyGenerationFailed, "setting group P-256 failed")
        }
        var made: OpaquePointer?
        guard EVP_PKEY_generate(context, &made) == 1, let made else {
            throw CryptoError(.keyGenerationFailed, "EVP_PKEY_generate failed")
        }
        return try ES256PrivateKey(owning: made)
    }

    /// The key held in a DER PKCS #8 PrivateKeyInfo, as `pkcs8DER` exports it.
    ///
    /// Throws `CryptoError.invalidKey` when the bytes are not exactly one PKCS #8 structure
    /// holding a consistent P-256 key pair.
    public convenience init(pkcs8DER: [UInt8]) throws {
        let decoded: OpaquePointer? = pkcs8DER.withUnsafeBytes { bytes in
            // Safety: the cursor points into `bytes`, which lives for the whole closure; d2i
            // reads at most `count` bytes and copies what it keeps.
            var cursor = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self)
            guard let info = d2i_PKCS8_PRIV_KEY_INFO(nil, &cursor, bytes.count) else { return nil }
            defer { PKCS8_PRIV_KEY_INFO_free(info) }
            let consumed = bytes.baseAddress.map { UnsafeRawPointer(cursor!) - $0 } ?? 0
            guard consumed == bytes.count else { return nil }
            return EVP_PKCS82PKEY(info)
        }
        guard let decoded else { throw CryptoError(.invalidKey, "not a DER PKCS #8 private key") }
        try self.init(owning: decoded)
    }

    deinit {
        EVP_PKEY_free(key)
    }

    /// The key as DER PKCS #8 PrivateKeyInfo (RFC 5208). This is secret: seal it before storing.
    public var pkcs8DER: [UInt8] {
        // An EC key always converts; failure here means OpenSSL ran out of memory.
        guard let info = EVP_PKEY2PKCS8(key) else { preconditionFailure("EVP_PKEY2PKCS8 failed") }
        defer { PKCS8_PRIV_KEY_INFO_free(info) }
        let length = i2d_PKCS8_PRIV_KEY_INFO(info, nil)
        precondition(length > 0, "i2d_PKCS8_PRIV_KEY_INFO failed")
        var der = [UInt8](repeating: 0, count: Int(length))
        let written = der.withUnsafeMutableBytes { buffer in
            // Safety: buffer holds `length` bytes, the size i2d just reported for this value.
            var cursor = buffer.baseAddress?.assumingMemoryBound(to: UInt8.self)
            return i2d_PKCS8_PRIV_KEY_INFO(info, &cursor)
        }
        precondition(written == length, "i2d_PKCS8_PRIV_KEY_INFO wrote an unexpected length")
        return der
    }

    /// The ES256 signature of `message`: SHA-256, ECDSA, then JOSE's 64-byte r||s.
    ///
    /// Throws `CryptoError.signingFailed` when OpenSSL refuses.
    public func sign(_ message: [UInt8]) throws -> [UInt8] {
        let der = try signDER(message)
        let parsed = der.withUnsafeBytes { bytes in
            // Safety: the cursor points into `bytes` for the duration of the call only.
            var cursor = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self)
            return d2i_ECDSA_SIG(nil, &cursor, bytes.count)
        }
        guard let parsed else { throw CryptoError(.signingFailed, "d2i_ECDSA_SIG failed") }
        defer { ECDSA_SIG_free(parsed) }
        var output = [UInt8](repeating: 0, count: 64)
        let ok = output.withUnsafeMutableBytes { buffer in
            // Safety: buffer holds 64 bytes; each call writes exactly 32 of them.
            let base = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
            return BN_bn2binpad(ECDSA_SIG_get0_r(parsed), base, 32) == 32
                && BN_bn2binpad(ECDSA_SIG_get0_s(parsed), base + 32, 32) == 32
        }
        guard ok else { throw CryptoError(.signingFailed, "BN_bn2binpad failed") }
        return output
    }

    public var description: String { "ES256PrivateKey(<redacted>)" }

    /// The ES256 signature of `message` as an ASN.1 DER ECDSA-Sig-Value, the form WebAuthn
    /// authenticators produce (WebAuthn §6.5.5); at most 72 bytes, varying with r and s.
    ///
    /// Throws `CryptoError.signingFailed` when OpenSSL refuses.
    public func signDER(_ message: [UInt8]) throws -> [UInt8] {
        try EVPSignature.sign(message, key: key, digest: EVP_sha256())
    }

    private static func checkIsP256PrivateKey(_ key: OpaquePointer) throws {
        guard EVP_PKEY_get_base_id(key) == EVP_PKEY_EC else {
            throw CryptoError(.invalidKey, "not an EC key")
        }
        var name = [CChar](repeating: 0, count: 64)
        var length = 0
        guard EVP_PKEY_get_group_name(key, &name, name.count, &length) == 1 else {
            throw CryptoError(.invalidKey, "EC key without a named group")
        }
        let group = String(
            decoding: name.prefix(length).map { UInt8(bitPattern: $0) },
            as: UTF8.self
        )
        guard group == "prime256v1" || group == "P-256" else {
            throw CryptoError(.invalidKey, "not a P-256 key")
        }
        guard let context = EVP_PKEY_CTX_new_from_pkey(nil, key, nil) else {
            throw CryptoError(.invalidKey, "EVP_PKEY_CTX_new_from_pkey failed")
        }
        defer { EVP_PKEY_CTX_free(context) }
        guard EVP_PKEY_check(context) == 1 else {
            throw CryptoError(.invalidKey, "key pair check failed")
        }
    }

    private static func publicKey(of key: OpaquePointer) throws -> ES256PublicKey {
        try ES256PublicKey(
            x: coordinate(of: key, name: OSSL_PKEY_PARAM_EC_PUB_X),
            y: coordinate(of: key, name: OSSL_PKEY_PARAM_EC_PUB_Y)
        )
    }

    private static func coordinate(of key: OpaquePointer, name: String) throws -> [UInt8] {
        var number: OpaquePointer?
        // The name is only read during the call, so a temporary C string is fine here.
        guard EVP_PKEY_get_bn_param(key, name, &number) == 1, let number else {
            throw CryptoError(.invalidKey, "public coordinate missing")
        }
        defer { BN_free(number) }
        var output = [UInt8](repeating: 0, count: 32)
        let written = output.withUnsafeMutableBytes { buffer in
            // Safety: buffer holds exactly 32 bytes; BN_bn2binpad fails rather than overflow.
            BN_bn2binpad(number, buffer.baseAddress?.assumingMemoryBound(to: UInt8.self), 32)
        }
        guard written == 32 else { throw CryptoError(.invalidKey, "public coordinate too long") }
        return output
    }
}
