import StepgateCrypto

/// Client secrets: long random strings, stored as a SHA-256 hash.
///
/// A fast hash is enough because every secret has at least 256 bits of entropy when generated
/// and at least 32 characters when supplied; argon2 would cost each token request 30 ms for nothing.
enum ClientSecret {
    static let minimumLength = 32
    private static let prefix = "sha256:"

    static func generate(_ random: any RandomSource) -> String {
        random.token(byteCount: 32)
    }

    /// The stored form of `secret`.
    static func hash(_ secret: String) -> String {
        prefix + Base64URL.encode(Digest.sha256(secret))
    }

    /// Whether `secret` hashes to `stored`, compared in constant time.
    static func verify(_ secret: String, against stored: String) -> Bool {
        constantTimeEquals(hash(secret), stored)
    }
}
