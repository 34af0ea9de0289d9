/// A public ES256 signing key as a JSON Web Key (RFC 7517, RFC 7518 §6.2).
///
/// Only `kty` `EC`, `crv` `P-256` and `alg` `ES256` (when present) are accepted; a JWK never
/// carries private members here.
public struct JWK: Sendable, Hashable {
    /// The key ID, which a JWS header names in `kid`.
    public let kid: String
    /// The key itself.
    public let publicKey: ES256PublicKey

    /// A JWK for `publicKey` under `kid`.
    public init(kid: String, publicKey: ES256PublicKey) {
        self.kid = kid
        self.publicKey = publicKey
    }

    /// The key in `json`, a JWK object.
    ///
    /// Throws `JOSEError` with `.malformed` (not an object), `.unsupportedKeyType`,
    /// `.unsupportedCurve`, `.unsupportedAlgorithm`, `.unsupportedUse`, `.privateKeyMember`
    /// (`d` present), `.invalidCoordinate` (x or y not 32 bytes of canonical base64url, or not
    /// a point on P-256) or `.missingKeyID`. Other members are ignored (RFC 7517 §4).
    public init(json: JSONValue) throws {
        guard json.objectValue != nil else { throw JOSEError(.malformed, "JWK is not an object") }
        // The type first, so a JWK Set skips a key of another type even when it is private.
        guard json["kty"] == "EC" else { throw JOSEError(.unsupportedKeyType, "kty is not EC") }
        let publicKey = try Self.publicKey(json: json)
        guard let kid = json["kid"]?.stringValue, !kid.isEmpty else {
            throw JOSEError(.missingKeyID, "JWK without kid")
        }
        self.publicKey = publicKey
        self.kid = kid
    }

    /// The members that hold private key material in any JWK type (RFC 7518 §6.2.2, §6.3.2,
    /// §6.4; RFC 8037 §2).
    public static let privateMembers = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"]

    /// The public key in `json`, a JWK object, with every check of `init(json:)` but `kid`.
    ///
    /// A private member (`d`, and those of other key types, see `privateMembers`) is refused with
    /// `.privateKeyMember` before anything else is read, whatever `kty` says.
    public static func publicKey(json: JSONValue) throws -> ES256PublicKey {
        guard json.objectValue != nil else { throw JOSEError(.malformed, "JWK is not an object") }
        guard !privateMembers.contains(where: json.hasMember) else {
            throw JOSEError(.privateKeyMember, "JWK holds a private key")
        }
        guard json["kty"] == "EC" else { throw JOSEError(.unsupportedKeyType, "kty is not EC") }
        guard json["crv"] == "P-256" else { throw JOSEError(.unsupportedCurve, "crv is not P-256") }
        if let alg = json["alg"], alg != "ES256" {
            throw JOSEError(.unsupportedAlgorithm, "alg is not ES256")
        }
        if let use = json["use"], use != "sig" {
            throw JOSEError(.unsupportedUse, "use is not sig")
        }
        guard let x = json["x"]?.stringValue.flatMap(Base64URL.decode), x.count == 32,
            let y = json["y"]?.stringValue.flatMap(Base64URL.decode), y.count == 32
        else { throw JOSEError(.invalidCoordinate, "x and y must be 32 bytes of base64url") }
        do {
            return try ES256PublicKey(x: x, y: y)
        } catch {
            throw JOSEError(.invalidCoordinate, "point is not on P-256")
        }
    }

    /// The JWK object: `kty`, `crv`, `x`, `y`, `kid`, `use` `sig` and `alg` `ES256`.
    public var json: JSONValue {
        [
            "kty": "EC",
            "crv": "P-256",
            "x": .string(Base64URL.encode(publicKey.x)),
            "y": .string(Base64URL.encode(publicKey.y)),
            "kid": .string(kid),
            "use": "sig",
            "alg": "ES256",
        ]
    }
}
