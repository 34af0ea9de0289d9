internal import CArgon2

/// Hashes and verifies passwords with argon2id (RFC 9106), stored as PHC strings.
///
/// Encoding: `$argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt>$<hash>`, salt and hash in
/// unpadded standard base64. New hashes use a 16-byte random salt and a 32-byte output.
public struct PasswordHasher: Sendable {
    /// The longest password accepted, in bytes; longer ones are refused before hashing.
    public static let maximumPasswordLength = 1024

    static let saltLength = 16
    static let hashLength = 32

    /// The costs used for new hashes and compared by `needsRehash`.
    public let parameters: Argon2Parameters
    private let random: any RandomSource

    /// A hasher that makes new hashes with `parameters` and salts from `random`.
    public init(parameters: Argon2Parameters = .init(), random: any RandomSource = SystemRandom()) {
        self.parameters = parameters
        self.random = random
    }

    /// The PHC string of `password` under a fresh salt.
    ///
    /// Throws `CryptoError.passwordTooLong` over 1024 bytes, `.invalidParameters` when the
    /// parameters are out of range, and `.hashingFailed` when libargon2 fails.
    public func hash(_ password: [UInt8]) throws -> String {
        guard password.count <= Self.maximumPasswordLength else {
            throw CryptoError(.passwordTooLong, "password over 1024 bytes")
        }
        guard parameters.isSupported else {
            throw CryptoError(.invalidParameters, "argon2 costs out of range")
        }
        let salt = random.bytes(Self.saltLength)
        guard salt.count == Self.saltLength else {
            throw CryptoError(.hashingFailed, "random source gave a short salt")
        }
        guard
            var output = Self.derive(
                password,
                salt: salt,
                parameters: parameters,
                length: Self.hashLength
            )
        else {
            throw CryptoError(.hashingFailed, "argon2id_hash_raw failed")
        }
        defer { wipe(&output) }
        let encoded = PHCString(parameters: parameters, salt: salt, hash: output)
        return encoded.encoded
    }

    /// Whether `password` matches `encoded`, compared in constant time.
    ///
    /// Returns false, never throws or traps, for a malformed or unsupported encoding (another
    /// algorithm or version, costs out of range, salt outside 8–64 bytes, hash outside 16–64
    /// bytes) and for a password over 1024 bytes.
    public func verify(_ password: [UInt8], against encoded: String) -> Bool {
        guard password.count <= Self.maximumPasswordLength, let phc = PHCString(parsing: encoded)
        else {
            return false
        }
        guard
            var derived = Self.derive(
                password,
                salt: phc.salt,
                parameters: phc.parameters,
                length: phc.hash.count
            )
        else { return false }
        defer { wipe(&derived) }
        return constantTimeEquals(derived, phc.hash)
    }

    /// Whether `encoded` should be replaced by a fresh hash at the next successful login.
    ///
    /// True when it is malformed, or its costs, salt length or hash length differ from this
    /// hasher's.
    public func needsRehash(_ encoded: String) -> Bool {
        guard let phc = PHCString(parsing: encoded) else { return true }
        return phc.parameters != parameters || phc.salt.count != Self.saltLength
            || phc.hash.count != Self.hashLength
    }

    /// The raw argon2id output, or nil when libargon2 refuses the inputs.
    private static func derive(
        _ password: [UInt8],
        salt: [UInt8],
        parameters: Argon2Parameters,
        length: Int
    ) -> [UInt8]? {
        var output = [UInt8](repeating: 0, count: length)
        // libargon2 wants a valid pointer even for an empty password.
        let passwordBytes = password.isEmpty ? [UInt8(0)] : password
        let status = passwordBytes.withUnsafeBytes { pwd in
            salt.withUnsafeBytes { saltBytes in
                output.withUnsafeMutableBytes { out in
                    // Safety: all three buffers outlive the call; out holds `length` bytes, and
                    // only password.count bytes of pwd are read.
                    argon2id_hash_raw(
                        parameters.iterations,
                        parameters.memoryKiB,
                        parameters.parallelism,
                        pwd.baseAddress,
                        password.count,
                        saltBytes.baseAddress,
                        saltBytes.count,
                        out.baseAddress,
                        out.count
                    )
                }
            }
        }
        guard status == ARGON2_OK.rawValue else {
            wipe(&output)
            return nil
        }
        return output
    }
}
