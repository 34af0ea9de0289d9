import FuzzSupport
import StepgateCrypto
import StepgateProbe

/// The JWKS of the key that signed the `corpus/FuzzJWS` and `corpus/FuzzProbeTokens` seeds
/// (throwaway P-256, `kid` "fuzz").
private let keys: JWKSet = {
    let json = JSONValue.object([
        "keys": .array([
            .object([
                "kty": "EC", "crv": "P-256", "kid": "fuzz", "alg": "ES256", "use": "sig",
                "x": "ZNhfZKrnqJRaMmUEa_qN2N_608hbna2ZzGly3kMRiGU",
                "y": "_4bsac_wEJuIHa_U1QB5epTlysft_I7g0mxalHZu-GE",
            ])
        ])
    ])
    do {
        return try JWKSet(json: json)
    } catch {
        fatalError("the fixed fuzzing JWKS does not load: \(error)")
    }
}()

/// What the probe reads from a target's token endpoint: `TokenResponse` and `TokenSet` on the
/// input as a JSON body, and `TokenClaims.read` on it as a token (the target is the party under
/// test, so its answers are untrusted).
///
/// A token set holds the `access_token` it was read from; claims come from a JWS whose payload
/// is a JSON object; a signature is reported as checked only when the header says ES256 and it
/// verifies against the JWKS; a token that claims ES256 and does not verify is an error, never
/// claims read without their signature.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzProbeTokens(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let input = FuzzInput(data, size)
    if let json = try? JSONValue.parse(input.bytes) {
        let response = TokenResponse(status: 200, json: json)
        if let tokens = response.tokens {
            require(!tokens.accessToken.isEmpty, "a token set without an access token")
            require(json["access_token"]?.stringValue == tokens.accessToken, "another access token")
            require(tokens.response == json, "the response is not kept as read")
        } else {
            require(json["access_token"]?.stringValue.map(\.isEmpty) ?? true, "an access token was dropped")
        }
        require(TokenResponse(status: 400, json: json).tokens == nil, "tokens read from an error response")
        require(response.error == json["error"]?.stringValue, "another error code")
    }

    let token = input.text
    let decoded = try? JWS.decodeWithoutVerifying(token)
    let claimsES256 = decoded?.header["alg"]?.stringValue == "ES256"
    let read: TokenClaims?
    do {
        read = try TokenClaims.read(token, keys: keys)
    } catch {
        require(claimsES256, "an error for a token that does not claim ES256")
        require(!verifies(token), "a token refused that verifies")
        return 0
    }
    guard let claims = read else {
        let payload = decoded.flatMap { try? JSONValue.parse($0.payload) }
        require(payload?.objectValue == nil, "a JWS with an object payload read as opaque")
        return 0
    }
    require(claims.claims.objectValue != nil, "claims that are not an object")
    require(claims.signatureVerified == claimsES256, "signature state differs from the header's alg")
    if claims.signatureVerified {
        require(verifies(token), "reported as verified, yet does not verify")
    }
    require(claims.amr.count <= (claims.claims["amr"]?.arrayValue?.count ?? 0), "more amr values than sent")
    return 0
}

/// Whether `token` verifies against `keys` and its payload is JSON.
private func verifies(_ token: String) -> Bool {
    guard let verified = try? JWS.verify(token, keys: { keys.key(kid: $0)?.publicKey }) else { return false }
    return (try? JSONValue.parse(verified.payload)) != nil
}
