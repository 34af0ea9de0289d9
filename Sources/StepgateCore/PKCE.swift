import StepgateCrypto

/// Proof Key for Code Exchange (RFC 7636), `S256` only; `plain` is never accepted.
public enum PKCE {
    /// Whether `verifier` is 43 to 128 characters of `[A-Za-z0-9-._~]` (RFC 7636 §4.1).
    public static func isValidVerifier(_ verifier: String) -> Bool {
        let bytes = verifier.utf8
        return (43...128).contains(bytes.count) && bytes.allSatisfy(isUnreserved)
    }

    /// Whether `challenge` is exactly 43 base64url characters: an unpadded SHA-256 (§4.2).
    ///
    /// Non-canonical text (non-zero trailing bits) is rejected too: no verifier could match it.
    public static func isValidChallenge(_ challenge: String) -> Bool {
        challenge.utf8.count == 43 && Base64URL.decode(challenge)?.count == 32
    }

    /// The `S256` challenge of `verifier`: `BASE64URL(SHA256(ASCII(verifier)))` (§4.2).
    public static func challenge(for verifier: String) -> String {
        Base64URL.encode(Digest.sha256(verifier))
    }

    /// Whether `verifier` is well formed and its `S256` challenge equals `challenge` (§4.6).
    ///
    /// The comparison runs in constant time.
    public static func verify(verifier: String, challenge: String) -> Bool {
        guard isValidVerifier(verifier), isValidChallenge(challenge) else { return false }
        return constantTimeEquals(Self.challenge(for: verifier), challenge)
    }

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
            UInt8(ascii: "_"), UInt8(ascii: "~"):
            true
        default:
            false
        }
    }
}
