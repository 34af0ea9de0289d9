internal import COpenSSL

/// One-shot signing and verification with an `EVP_PKEY`, shared by the key classes.
///
/// RSA keys always use RSASSA-PKCS1-v1_5; EC keys take and give ASN.1 DER ECDSA-Sig-Values;
/// Ed25519 keys need a nil digest (the algorithm hashes internally).
enum EVPSignature {
    /// Whether `signature` is valid for `message` under `key`, hashing with `digest` first.
    static func verify(
        _ signature: [UInt8],
        for message: [UInt8],
        key: OpaquePointer,
        digest: OpaquePointer?
    ) -> Bool {
        guard !signature.isEmpty, let context = EVP_MD_CTX_new() else { return false }
        defer { EVP_MD_CTX_free(context) }
        var keyContext: OpaquePointer?
        guard EVP_DigestVerifyInit(context, &keyContext, digest, nil, key) == 1 else { return false }
        if EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA {
            guard EVP_PKEY_CTX_set_rsa_padding(keyContext, RSA_PKCS1_PADDING) == 1 else { return false }
        }
        let result = signature.withUnsafeBytes { sig in
            message.withUnsafeBytes { msg in
                // Safety: both buffers outlive the call; OpenSSL reads count bytes from each.
                EVP_DigestVerify(
                    context,
                    sig.baseAddress?.assumingMemoryBound(to: UInt8.self),
                    sig.count,
                    msg.baseAddress?.assumingMemoryBound(to: UInt8.self),
                    msg.count
                )
            }
        }
        return result == 1
    }

    /// The signature of `message` under the private `key`, hashing with `digest` first.
    ///
    /// Throws `CryptoError.signingFailed` when OpenSSL refuses.
    static func sign(_ message: [UInt8], key: OpaquePointer, digest: OpaquePointer?) throws -> [UInt8] {
        guard let context = EVP_MD_CTX_new() else {
            throw CryptoError(.signingFailed, "EVP_MD_CTX_new failed")
        }
        defer { EVP_MD_CTX_free(context) }
        var keyContext: OpaquePointer?
        guard EVP_DigestSignInit(context, &keyContext, digest, nil, key) == 1 else {
            throw CryptoError(.signingFailed, "EVP_DigestSignInit failed")
        }
        if EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA {
            guard EVP_PKEY_CTX_set_rsa_padding(keyContext, RSA_PKCS1_PADDING) == 1 else {
                throw CryptoError(.signingFailed, "setting PKCS #1 v1.5 padding failed")
            }
        }
        return try message.withUnsafeBytes { msg in
            // Safety: msg outlives both calls; the first asks only for the maximum length.
            let input = msg.baseAddress?.assumingMemoryBound(to: UInt8.self)
            var length = 0
            guard EVP_DigestSign(context, nil, &length, input, msg.count) == 1, length > 0 else {
                throw CryptoError(.signingFailed, "EVP_DigestSign length query failed")
            }
            var output = [UInt8](repeating: 0, count: length)
            let ok = output.withUnsafeMutableBytes { out in
                // Safety: out holds `length` bytes, the maximum OpenSSL just reported.
                EVP_DigestSign(
                    context,
                    out.baseAddress?.assumingMemoryBound(to: UInt8.self),
                    &length,
                    input,
                    msg.count
                )
            }
            guard ok == 1 else { throw CryptoError(.signingFailed, "EVP_DigestSign failed") }
            return Array(output.prefix(length))
        }
    }

    /// The name of an EC key's group (`prime256v1`, `P-256`, ...), or nil for other keys.
    static func groupName(of key: OpaquePointer) -> String? {
        guard EVP_PKEY_get_base_id(key) == EVP_PKEY_EC else { return nil }
        var name = [CChar](repeating: 0, count: 64)
        var length = 0
        guard EVP_PKEY_get_group_name(key, &name, name.count, &length) == 1 else { return nil }
        return String(decoding: name.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Whether `key` is an EC key on P-256.
    static func isP256(_ key: OpaquePointer) -> Bool {
        guard let group = groupName(of: key) else { return false }
        return group == "prime256v1" || group == "P-256"
    }
}
