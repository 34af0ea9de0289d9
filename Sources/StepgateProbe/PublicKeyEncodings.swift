import Foundation
// Public: encodings are made from a `JWK`.
public import StepgateCrypto

/// The usual byte forms of a provider's public P-256 key that an algorithm-confusion attack
/// tries as an HMAC secret (RFC 8725 §2.1): a verifier that takes `alg` from the token and
/// loads "the key" as bytes ends up MACing with one of these.
public enum PublicKeyEncodings {
    /// The DER `AlgorithmIdentifier` prefix of a P-256 SubjectPublicKeyInfo (RFC 5480 §2):
    /// id-ecPublicKey with namedCurve prime256v1, then the BIT STRING header of a 65-byte point.
    static let spkiPrefix: [UInt8] = [
        0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01, 0x06, 0x08,
        0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
    ]

    /// The uncompressed point `04 || x || y` (SEC 1 §2.3.3).
    public static func point(_ key: JWK) -> [UInt8] {
        [0x04] + key.publicKey.x + key.publicKey.y
    }

    /// The SubjectPublicKeyInfo in DER (91 bytes).
    public static func spkiDER(_ key: JWK) -> [UInt8] {
        spkiPrefix + point(key)
    }

    /// The SubjectPublicKeyInfo as PEM (RFC 7468 §13): base64 in 64-column lines between the
    /// `PUBLIC KEY` markers, each line ending in a newline.
    public static func spkiPEM(_ key: JWK) -> String {
        let base64 = Data(spkiDER(key)).base64EncodedString()
        var lines: [Substring] = []
        var rest = Substring(base64)
        while !rest.isEmpty {
            lines.append(rest.prefix(64))
            rest = rest.dropFirst(64)
        }
        return "-----BEGIN PUBLIC KEY-----\n" + lines.joined(separator: "\n")
            + "\n-----END PUBLIC KEY-----\n"
    }

    /// Each secret to try, with a label for the evidence: PEM with and without its final
    /// newline, DER, the raw point, the JWK as this probe serialises it and, when given, each
    /// key object exactly as the provider's JWKS document serves it.
    public static func confusionSecrets(_ key: JWK, served: [String] = [])
        -> [(label: String, secret: [UInt8])]
    {
        let pem = spkiPEM(key)
        var secrets: [(label: String, secret: [UInt8])] = [
            ("PEM", Array(pem.utf8)),
            ("PEM without the final newline", Array(pem.dropLast().utf8)),
            ("DER SubjectPublicKeyInfo", spkiDER(key)),
            ("raw point", point(key)),
            ("JWK JSON", key.json.serialized()),
        ]
        for text in served where !secrets.contains(where: { $0.secret == Array(text.utf8) }) {
            secrets.append(("JWK JSON as served", Array(text.utf8)))
        }
        return secrets
    }
}
