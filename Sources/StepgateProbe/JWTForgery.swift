import Foundation
// Public: forgeries take and give `JSONValue` headers and claims, and sign with an
// `ES256PrivateKey` or a `JWK`'s key.
public import StepgateCrypto

/// Forged variants of a genuine compact JWT, for the `jwt.*` cases (RFC 8725 §2-§3): every
/// function here is pure, so each forgery is checked byte for byte in unit tests.
///
/// A forgery keeps the genuine token's payload segment unchanged unless it says otherwise, so
/// the only thing wrong with it is the thing the case is about.
public enum JWTForgery {
    /// The three segments of a compact JWS, and what they decode to.
    public struct Parts: Sendable {
        public let headerSegment: String
        public let payloadSegment: String
        public let signatureSegment: String
        /// The protected header, a JSON object.
        public let header: [String: JSONValue]
        /// The claims, a JSON object.
        public let claims: [String: JSONValue]
        public let signature: [UInt8]
    }

    /// The parts of `token`; nil when it is not three base64url segments whose first two are
    /// JSON objects (an opaque token).
    public static func parts(_ token: String) -> Parts? {
        let segments = token.split(separator: ".", omittingEmptySubsequences: false)
        guard segments.count == 3,
            let headerBytes = Base64URL.decode(segments[0]),
            let payloadBytes = Base64URL.decode(segments[1]),
            let signature = Base64URL.decode(segments[2]),
            let header = (try? JSONValue.parse(headerBytes, maxDepth: 8))?.objectValue,
            let claims = (try? JSONValue.parse(payloadBytes, maxDepth: 16))?.objectValue
        else { return nil }
        return Parts(
            headerSegment: String(segments[0]),
            payloadSegment: String(segments[1]),
            signatureSegment: String(segments[2]),
            header: header,
            claims: claims,
            signature: signature
        )
    }

    /// `header` as a base64url segment.
    public static func segment(_ object: [String: JSONValue]) -> String {
        Base64URL.encode(JSONValue.object(object).serialized())
    }

    /// An unsecured JWT (RFC 7519 §6): a header whose `alg` is `alg` ("none", "None", ...), the
    /// genuine payload and an empty signature. With `keepingHeader` the rest of the genuine
    /// header (`typ`, `kid`) stays; otherwise the header is `{"alg": alg}` alone.
    public static func unsigned(_ parts: Parts, alg: String, keepingHeader: Bool) -> String {
        var header: [String: JSONValue] = keepingHeader ? parts.header : [:]
        header["alg"] = .string(alg)
        return segment(header) + "." + parts.payloadSegment + "."
    }

    /// The genuine header and signature around `claims`: the signature no longer covers the
    /// payload, so only a resource that skips the signature check accepts it.
    public static func replacingClaims(_ parts: Parts, with claims: [String: JSONValue]) -> String {
        parts.headerSegment + "." + Base64URL.encode(JSONValue.object(claims).serialized()) + "."
            + parts.signatureSegment
    }

    /// The genuine token with bit `bit` (0 = lowest) of signature byte `byte` flipped; the
    /// segment is re-encoded canonically, so only the signature value changes.
    public static func flippingSignatureBit(_ parts: Parts, byte: Int, bit: Int = 0) -> String {
        var signature = parts.signature
        guard !signature.isEmpty else { return parts.headerSegment + "." + parts.payloadSegment + "." }
        let index = min(max(byte, 0), signature.count - 1)
        signature[index] ^= UInt8(1 << (bit & 7))
        return parts.headerSegment + "." + parts.payloadSegment + "." + Base64URL.encode(signature)
    }

    /// The genuine payload under a header saying `HS256` (the rest of the genuine header kept),
    /// MACed with `secret`: the key-confusion attack, where `secret` is the provider's public
    /// key in some encoding and a verifier that lets the token pick the algorithm uses it as an
    /// HMAC key (RFC 8725 §2.1, §3.1).
    /// `kid`, when given, replaces the genuine header's key ID.
    public static func hmacSigned(_ parts: Parts, secret: [UInt8], kid: String? = nil) -> String {
        var header = parts.header
        header["alg"] = "HS256"
        if let kid { header["kid"] = .string(kid) }
        let input = segment(header) + "." + parts.payloadSegment
        let mac = HMAC.authenticationCode(.sha256, key: secret, message: Array(input.utf8))
        return input + "." + Base64URL.encode(mac)
    }

    /// The genuine payload under `header` (its `alg` set to ES256), signed with `key`: a
    /// valid signature, only by a key the provider never published.
    ///
    /// - Throws: the `CryptoError` of `ES256PrivateKey.sign` when OpenSSL refuses to sign.
    public static func signed(_ parts: Parts, header: [String: JSONValue], key: ES256PrivateKey)
        throws -> String
    {
        var header = header
        header["alg"] = "ES256"
        let input = segment(header) + "." + parts.payloadSegment
        return input + "." + Base64URL.encode(try key.sign(Array(input.utf8)))
    }
}
