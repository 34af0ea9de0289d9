internal import COpenSSL

/// AES-256-GCM authenticated encryption (NIST SP 800-38D), for secrets at rest.
///
/// Sealed form: 12-byte nonce ‖ ciphertext ‖ 16-byte tag. Each seal draws a fresh random
/// nonce, so one key must seal well under 2^32 messages.
public enum AESGCM {
    /// Key length in bytes.
    public static let keyLength = 32
    /// Nonce length in bytes, the first part of a sealed value.
    public static let nonceLength = 12
    /// Tag length in bytes, the last part of a sealed value.
    public static let tagLength = 16

    /// Encrypts and authenticates `plaintext`, and authenticates `associatedData`.
    ///
    /// Throws `CryptoError.invalidKeyLength` unless `key` is 32 bytes.
    public static func seal(
        _ plaintext: [UInt8],
        key: [UInt8],
        associatedData: [UInt8] = [],
        random: any RandomSource = SystemRandom()
    ) throws -> [UInt8] {
        guard key.count == keyLength else {
            throw CryptoError(.invalidKeyLength, "AES-256-GCM needs 32 bytes")
        }
        let nonce = random.bytes(nonceLength)
        guard nonce.count == nonceLength else {
            throw CryptoError(.encryptionFailed, "random source gave a short nonce")
        }
        let context = try CipherContext(encrypting: true, key: key, nonce: nonce)
        try context.addAssociatedData(associatedData)
        var ciphertext = try context.update(plaintext)
        var tag = [UInt8](repeating: 0, count: tagLength)
        guard context.finish(), context.control(EVP_CTRL_GCM_GET_TAG, &tag) else {
            wipe(&ciphertext)
            throw CryptoError(.encryptionFailed, "EVP_EncryptFinal_ex failed")
        }
        return nonce + ciphertext + tag
    }

    /// The plaintext of a value made by `seal` under the same key and associated data.
    ///
    /// Throws `CryptoError.invalidKeyLength` unless `key` is 32 bytes, `.truncatedInput` when
    /// `sealed` is shorter than 28 bytes, and `.authenticationFailed` when the value was changed
    /// or the key or associated data differ. No plaintext is returned unless the tag verifies.
    public static func open(_ sealed: [UInt8], key: [UInt8], associatedData: [UInt8] = []) throws
        -> [UInt8]
    {
        guard key.count == keyLength else {
            throw CryptoError(.invalidKeyLength, "AES-256-GCM needs 32 bytes")
        }
        guard sealed.count >= nonceLength + tagLength else {
            throw CryptoError(.truncatedInput, "shorter than nonce and tag")
        }
        let nonce = Array(sealed.prefix(nonceLength))
        var tag = Array(sealed.suffix(tagLength))
        let ciphertext = Array(sealed[nonceLength..<(sealed.count - tagLength)])
        let context = try CipherContext(encrypting: false, key: key, nonce: nonce)
        try context.addAssociatedData(associatedData)
        var plaintext = try context.update(ciphertext)
        guard context.control(EVP_CTRL_GCM_SET_TAG, &tag), context.finish() else {
            wipe(&plaintext)
            throw CryptoError(.authenticationFailed, "GCM tag did not verify")
        }
        return plaintext
    }
}

/// One EVP_CIPHER_CTX for one seal or open, freed on deinit.
private final class CipherContext {
    private let context: OpaquePointer

    init(encrypting: Bool, key: [UInt8], nonce: [UInt8]) throws {
        guard let context = EVP_CIPHER_CTX_new() else {
            throw CryptoError(.encryptionFailed, "EVP_CIPHER_CTX_new failed")
        }
        self.context = context
        let ok = key.withUnsafeBytes { k in
            nonce.withUnsafeBytes { n in
                // Safety: key is 32 bytes and nonce 12 (GCM's default IV length); both outlive
                // the call, and OpenSSL copies the key schedule and IV.
                EVP_CipherInit_ex(
                    context,
                    EVP_aes_256_gcm(),
                    nil,
                    k.baseAddress?.assumingMemoryBound(to: UInt8.self),
                    n.baseAddress?.assumingMemoryBound(to: UInt8.self),
                    encrypting ? 1 : 0
                )
            }
        }
        guard ok == 1 else { throw CryptoError(.encryptionFailed, "EVP_CipherInit_ex failed") }
    }

    deinit {
        EVP_CIPHER_CTX_free(context)
    }

    func addAssociatedData(_ data: [UInt8]) throws {
        // A null output pointer is how OpenSSL takes associated data; empty data is skipped.
        guard !data.isEmpty else { return }
        var length: Int32 = 0
        let ok = data.withUnsafeBytes { input in
            // Safety: input holds count bytes for the call.
            EVP_CipherUpdate(
                context,
                nil,
                &length,
                input.baseAddress?.assumingMemoryBound(to: UInt8.self),
                Int32(input.count)
            )
        }
        guard ok == 1 else { throw CryptoError(.encryptionFailed, "associated data rejected") }
    }

    func update(_ input: [UInt8]) throws -> [UInt8] {
        // GCM is a stream mode: output length equals input length. Empty input is skipped,
        // because a null output pointer would make OpenSSL treat it as associated data.
        guard !input.isEmpty else { return [] }
        guard input.count < Int(Int32.max) else {
            throw CryptoError(.encryptionFailed, "input too long")
        }
        var output = [UInt8](repeating: 0, count: input.count)
        var length: Int32 = 0
        let ok = output.withUnsafeMutableBytes { out in
            input.withUnsafeBytes { inp in
                // Safety: out and inp hold count bytes each and outlive the call.
                EVP_CipherUpdate(
                    context,
                    out.baseAddress?.assumingMemoryBound(to: UInt8.self),
                    &length,
                    inp.baseAddress?.assumingMemoryBound(to: UInt8.self),
                    Int32(inp.count)
                )
            }
        }
        guard ok == 1, Int(length) == input.count else {
            wipe(&output)
            throw CryptoError(.encryptionFailed, "EVP_CipherUpdate failed")
        }
        return output
    }

    /// Finalises; when decrypting, false means the tag did not verify.
    func finish() -> Bool {
        var scratch = [UInt8](repeating: 0, count: 16)
        var length: Int32 = 0
        let ok = scratch.withUnsafeMutableBytes { out in
            // Safety: GCM writes no bytes on final; the 16-byte buffer covers one block anyway.
            EVP_CipherFinal_ex(
                context,
                out.baseAddress?.assumingMemoryBound(to: UInt8.self),
                &length
            )
        }
        return ok == 1
    }

    func control(_ command: Int32, _ tag: inout [UInt8]) -> Bool {
        tag.withUnsafeMutableBytes { buffer in
            // Safety: buffer holds the 16-byte tag, which OpenSSL reads or writes during the call.
            EVP_CIPHER_CTX_ctrl(context, command, Int32(buffer.count), buffer.baseAddress) == 1
        }
    }
}
