/// A JSON Web Key Set (RFC 7517 §5) of ES256 public keys, as a `jwks_uri` serves it.
public struct JWKSet: Sendable, Hashable {
    /// The keys, in document order.
    public var keys: [JWK]

    /// A set of `keys`.
    public init(keys: [JWK]) {
        self.keys = keys
    }

    /// The set in `json`, an object with a `keys` array.
    ///
    /// Keys of another type, curve, algorithm or use are skipped, as RFC 7517 §5 asks. Throws
    /// `JOSEError` `.malformed` when `keys` is missing or not an array, `.duplicateKeyID` when
    /// two accepted keys share a `kid`, and any other error of `JWK.init(json:)` (such as a
    /// private member or a bad coordinate) for a key of the supported kind.
    public init(json: JSONValue) throws {
        guard let members = json["keys"]?.arrayValue else {
            throw JOSEError(.malformed, "JWK Set without a keys array")
        }
        let skipped: Set<JOSEError.Code> = [
            .unsupportedKeyType, .unsupportedCurve, .unsupportedAlgorithm, .unsupportedUse,
        ]
        var keys: [JWK] = []
        var seen: Set<String> = []
        for member in members {
            let key: JWK
            do {
                key = try JWK(json: member)
            } catch let error as JOSEError where skipped.contains(error.code) {
                continue
            }
            guard seen.insert(key.kid).inserted else {
                throw JOSEError(.duplicateKeyID, "two keys share a kid")
            }
            keys.append(key)
        }
        self.keys = keys
    }

    /// The `{"keys":[…]}` object.
    public var json: JSONValue {
        ["keys": .array(keys.map(\.json))]
    }

    /// The first key with `kid`, or nil.
    public func key(kid: String) -> JWK? {
        keys.first { $0.kid == kid }
    }
}
