public import StepgateCrypto

/// Random identifiers and bearer secrets: session IDs, codes, tokens, record IDs.
public enum Identifier {
    /// `bytes` random bytes as unpadded base64url; 16 bytes (128 bits) by default.
    ///
    /// Use at least 16 bytes for anything a guess must not find; store bearer secrets only as
    /// `SecretHash.hash`.
    public static func random(_ random: any RandomSource, bytes: Int = 16) -> String {
        precondition(bytes > 0, "Identifier.random needs at least one byte")
        return Base64URL.encode(random.bytes(bytes))
    }
}
