/// JWS compact serialisation (RFC 7515 §7.1), with `ES256` the only algorithm accepted.
public enum JWS {
    /// The longest compact JWS accepted, in bytes.
    public static let maximumLength = 16 * 1024

    private static let headerMaxDepth = 8

    /// The compact JWS of `payload`, signed with `key` and naming `kid` (and `typ`, if given).
    ///
    /// Throws `JOSEError.signingFailed` when OpenSSL refuses.
    public static func sign(
        payload: [UInt8],
        key: ES256PrivateKey,
        kid: String,
        type: String? = nil
    ) throws -> String {
        var header: [String: JSONValue] = ["alg": "ES256", "kid": .string(kid)]
        if let type { header["typ"] = .string(type) }
        let signingInput =
            Base64URL.encode(JSONValue.object(header).serialized()) + "."
            + Base64URL.encode(payload)
        let signature: [UInt8]
        do {
            signature = try key.sign(Array(signingInput.utf8))
        } catch {
            throw JOSEError(.signingFailed, "ES256 signing failed")
        }
        return signingInput + "." + Base64URL.encode(signature)
    }

    /// The header and payload of `compact`, once its ES256 signature verifies under the key
    /// that `keys` returns for the header's `kid`.
    ///
    /// Checks, in order, each failing with its own `JOSEError` code: at most 16 KiB
    /// (`.tooLarge`); three parts (`.malformed`); each part canonical base64url
    /// (`.invalidEncoding`); header a JSON object (`.invalidHeader`); `alg` exactly `ES256`
    /// (`.unsupportedAlgorithm`, which covers `none`, `HS256` and a missing `alg`); `kid` a
    /// non-empty string (`.missingKeyID`); no `crit` (`.unsupportedCritical`); a key for the
    /// `kid` (`.unknownKey`); the signature over `ASCII(header.payload)` (`.invalidSignature`).
    public static func verify(_ compact: String, keys: (String) -> ES256PublicKey?) throws
        -> VerifiedJWS
    {
        let parts = try decodeParts(compact)
        let header = parts.header
        guard header["alg"] == "ES256" else {
            throw JOSEError(.unsupportedAlgorithm, "alg is not ES256")
        }
        guard let kid = header["kid"]?.stringValue, !kid.isEmpty else {
            throw JOSEError(.missingKeyID, "header without kid")
        }
        guard !header.hasMember("crit") else {
            throw JOSEError(.unsupportedCritical, "crit names extensions we do not understand")
        }
        guard let key = keys(kid) else { throw JOSEError(.unknownKey, "no key for kid") }
        guard key.isValidSignature(parts.signature, for: parts.signingInput) else {
            throw JOSEError(.invalidSignature, "ES256 signature does not verify")
        }
        return VerifiedJWS(header: header, payload: parts.payload)
    }

    /// The compact JWS of `payload` under `header` (which must not name `alg`; it is set to
    /// `ES256`), for proofs that carry their key in the header instead of a `kid` (RFC 9449).
    ///
    /// Throws `JOSEError.signingFailed` when OpenSSL refuses.
    public static func sign(payload: [UInt8], key: ES256PrivateKey, header: [String: JSONValue]) throws -> String {
        var header = header
        header["alg"] = "ES256"
        let signingInput =
            Base64URL.encode(JSONValue.object(header).serialized()) + "." + Base64URL.encode(payload)
        do {
            return signingInput + "." + Base64URL.encode(try key.sign(Array(signingInput.utf8)))
        } catch {
            throw JOSEError(.signingFailed, "ES256 signing failed")
        }
    }

    /// The header and payload of `compact` once its ES256 signature verifies under the key that
    /// `key` reads from the header; for self-contained proofs such as DPoP (RFC 9449 §4.3).
    ///
    /// The checks of `verify(_:keys:)`, except that no `kid` is needed: `key` gets the decoded
    /// header once `alg` is `ES256` and there is no `crit`, and throws (its own error) when the
    /// header carries no acceptable key.
    public static func verify(_ compact: String, key: (JSONValue) throws -> ES256PublicKey) throws -> VerifiedJWS {
        let parts = try decodeParts(compact)
        let header = parts.header
        guard header["alg"] == "ES256" else {
            throw JOSEError(.unsupportedAlgorithm, "alg is not ES256")
        }
        guard !header.hasMember("crit") else {
            throw JOSEError(.unsupportedCritical, "crit names extensions we do not understand")
        }
        let publicKey = try key(header)
        guard publicKey.isValidSignature(parts.signature, for: parts.signingInput) else {
            throw JOSEError(.invalidSignature, "ES256 signature does not verify")
        }
        return VerifiedJWS(header: header, payload: parts.payload)
    }

    /// The header and payload of `compact` WITHOUT checking its signature or algorithm.
    ///
    /// Nothing it returns may be trusted; it is for tools and tests. Applies the structural
    /// checks of `verify` up to the header being a JSON object.
    public static func decodeWithoutVerifying(_ compact: String) throws -> VerifiedJWS {
        let parts = try decodeParts(compact)
        return VerifiedJWS(header: parts.header, payload: parts.payload)
    }

    private struct Parts {
        let header: JSONValue
        let payload: [UInt8]
        let signature: [UInt8]
        let signingInput: [UInt8]
    }

    private static func decodeParts(_ compact: String) throws -> Parts {
        let bytes = Array(compact.utf8)
        guard bytes.count <= maximumLength else {
            throw JOSEError(.tooLarge, "compact JWS over 16 KiB")
        }
        let fields = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard fields.count == 3 else { throw JOSEError(.malformed, "not three parts") }
        let decoded = fields.map { Base64URL.decode(String(decoding: $0, as: UTF8.self)) }
        guard let headerBytes = decoded[0], let payload = decoded[1], let signature = decoded[2]
        else {
            throw JOSEError(.invalidEncoding, "a part is not canonical base64url")
        }
        guard let header = try? JSONValue.parse(headerBytes, maxDepth: headerMaxDepth),
            header.objectValue != nil
        else { throw JOSEError(.invalidHeader, "header is not a JSON object") }
        let signingInput = Array(bytes[..<(fields[0].count + 1 + fields[1].count)])
        return Parts(
            header: header,
            payload: payload,
            signature: signature,
            signingInput: signingInput
        )
    }
}
