import Foundation
import StepgateCore
import StepgateCrypto
import StepgateHTTP
import StepgateStore

/// Why an access token was refused at a resource, and under which scheme to say so.
struct ResourceTokenError: Error, Sendable {
    /// `invalid_token`, `invalid_dpop_proof` or `invalid_request` (RFC 6750 §3.1, RFC 9449 §7.1).
    let code: String
    /// `DPoP` when the token is DPoP-bound or was presented as one, else `Bearer`.
    let scheme: String
    /// Internal explanation for logs; never a token or proof.
    let detail: String

    /// 401 with `WWW-Authenticate` in `scheme` (with `algs` for DPoP, RFC 9449 §7.1).
    var response: HTTPResponse {
        var response = HTTPResponse.json(401, JSONValue.object(["error": .string(code)]).serialized())
        var challenge = "\(scheme) error=\"\(code)\""
        if scheme == "DPoP" { challenge += ", algs=\"ES256\"" }
        response.headers.set("WWW-Authenticate", challenge)
        response.headers.set("Cache-Control", "no-store")
        return response
    }
}

extension Provider {
    /// The DPoP proof of a request to `method` `uri`, checked (RFC 9449 §4.3) and used up
    /// (§11.1), or nil when the request carries no `DPoP` header.
    ///
    /// `accessToken`, when given, must be what `ath` hashes; `demandNonce` asks for a current
    /// server nonce. Throws `invalid_dpop_proof` for every failure (two `DPoP` headers
    /// included), and `use_dpop_nonce` when a nonce is demanded and missing or stale. The single
    /// use is recorded only once every other check passed.
    func dpopProof(
        _ request: HTTPRequest,
        method: String,
        uri: String,
        accessToken: String? = nil,
        demandNonce: Bool = false
    ) throws -> DPoPProof? {
        let headers = request.headers.values("DPoP")
        guard !headers.isEmpty else { return nil }
        guard headers.count == 1 else { throw OAuthError.invalidDPoPProof("more than one DPoP header") }
        let now = clock.now
        let expectation = DPoPProof.Expectation(
            method: method,
            uri: uri,
            now: Int64(now.timeIntervalSince1970.rounded(.down)),
            window: Int64(configuration.dpopProofWindow),
            accessToken: accessToken,
            nonce: demandNonce ? { [dpopNonces] in dpopNonces.isValid($0, at: now) } : nil
        )
        let proof: DPoPProof
        do {
            proof = try DPoPProof.verify(headers[0], expectation)
        } catch {
            logger.info(
                "dpop proof refused",
                [LogKey.requestID: request.requestID, LogKey.reason: "\(error.code)"]
            )
            if error.code == .nonceMissing || error.code == .nonceInvalid {
                throw OAuthError.useDPoPNonce("nonce missing or stale")
            }
            throw OAuthError.invalidDPoPProof("proof refused")
        }
        let expiresAt = now.addingTimeInterval(2 * configuration.dpopProofWindow)
        guard try store.consumeDPoPProof(jtiHash: Self.dpopProofHash(proof), expiresAt: expiresAt, now: now) else {
            logger.notice("dpop proof replayed", [LogKey.requestID: request.requestID, LogKey.reason: "replay"])
            throw OAuthError.invalidDPoPProof("proof replayed")
        }
        return proof
    }

    /// What the store keeps of a proof: SHA-256 over the key's thumbprint and the `jti`, so one
    /// client cannot use up another's `jti`, and the raw `jti` is never stored.
    static func dpopProofHash(_ proof: DPoPProof) -> [UInt8] {
        Digest.sha256(
            Array("stepgate dpop jti v1\u{0}".utf8) + Array(proof.thumbprint.utf8) + [0] + Array(proof.jti.utf8)
        )
    }

    /// The `jkt` of an access token's `cnf` claim (RFC 9449 §6.1), or nil for a Bearer token.
    static func dpopThumbprint(_ claims: JSONValue) -> String? {
        claims["cnf"]?["jkt"]?.stringValue
    }

    /// The access token a resource request presents, verified, with its DPoP binding checked.
    ///
    /// `Authorization: Bearer` for an unbound token; `Authorization: DPoP` with a `DPoP` proof
    /// for `method` `uri`, by the key of the token's `cnf.jkt`, whose `ath` hashes the token,
    /// for a bound one (RFC 9449 §7). A bound token sent as `Bearer` is refused, as is an
    /// unbound one sent as `DPoP`. Nil when the request has no `Authorization` header.
    ///
    /// Known gap: resources demand no DPoP nonce (RFC 9449 §9); a proof is limited by its `iat`
    /// window and its single use instead.
    func resourceToken(_ request: HTTPRequest, method: String, uri: String) throws -> AccessTokenClaims? {
        guard request.headers["Authorization"] != nil else { return nil }
        guard let (scheme, token) = Self.authorizationToken(request) else {
            throw ResourceTokenError(code: "invalid_token", scheme: "Bearer", detail: "malformed authorization")
        }
        let claims: AccessTokenClaims
        do {
            claims = try verifyAccessToken(token)
        } catch is OAuthError {
            throw ResourceTokenError(code: "invalid_token", scheme: scheme, detail: "token does not verify")
        }
        guard let jkt = Self.dpopThumbprint(claims.claims) else {
            guard scheme == "Bearer" else {
                throw ResourceTokenError(code: "invalid_token", scheme: "DPoP", detail: "unbound token sent as DPoP")
            }
            return claims
        }
        guard scheme == "DPoP" else {
            throw ResourceTokenError(code: "invalid_token", scheme: "DPoP", detail: "bound token sent as Bearer")
        }
        let proof: DPoPProof?
        do {
            proof = try dpopProof(request, method: method, uri: uri, accessToken: token)
        } catch is OAuthError {
            throw ResourceTokenError(code: "invalid_dpop_proof", scheme: "DPoP", detail: "proof refused")
        }
        guard let proof, constantTimeEquals(proof.thumbprint, jkt) else {
            throw ResourceTokenError(code: "invalid_dpop_proof", scheme: "DPoP", detail: "proof missing or other key")
        }
        return claims
    }

    /// The scheme (`Bearer` or `DPoP`, RFC 6750 §2.1, RFC 9449 §7.1) and token of the
    /// `Authorization` header; nil when it is neither scheme or the token is not b64token.
    static func authorizationToken(_ request: HTTPRequest) -> (scheme: String, token: String)? {
        guard let value = request.headers["Authorization"] else { return nil }
        let parts = value.split(separator: " ", maxSplits: 1)
        guard parts.count == 2 else { return nil }
        let scheme: String
        switch parts[0].lowercased() {
        case "bearer": scheme = "Bearer"
        case "dpop": scheme = "DPoP"
        default: return nil
        }
        let token = parts[1].drop { $0 == " " }
        // token68 (RFC 9110 §11.2): b64token characters, then any number of `=`.
        let allowed = "-._~+/"
        let head = token.reversed().drop { $0 == "=" }
        guard !head.isEmpty,
            head.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || allowed.contains($0)) })
        else { return nil }
        return (scheme, String(token))
    }
}
