import StepgateCrypto

/// How bearer secrets are stored: authorization codes, refresh tokens and session IDs are
/// kept as SHA-256 hashes only, so a database leak does not hand them out.
///
/// A plain hash suffices because these secrets are at least 128 random bits; passwords need
/// argon2id instead.
public enum SecretHash {
    /// SHA-256 of the UTF-8 bytes of `token`.
    public static func hash(_ token: String) -> [UInt8] {
        Digest.sha256(token)
    }

    /// Whether `token` hashes to `stored`, compared in constant time.
    public static func matches(_ token: String, stored: [UInt8]) -> Bool {
        constantTimeEquals(hash(token), stored)
    }
}
