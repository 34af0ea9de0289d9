// Public: ID token checks take the current `Date`.
public import Foundation
// Public: claims and headers are `JSONValue`s.
public import StepgateCrypto

/// The header and claims of a JWT the provider issued, and whether its signature was checked.
public struct TokenClaims: Sendable {
    public let header: JSONValue
    public let claims: JSONValue
    /// True when the ES256 signature verified against the provider's JWKS. Tokens signed with
    /// another algorithm are read without verifying (the probe's JOSE code accepts ES256 only);
    /// they came straight from the token endpoint over the connection the probe opened.
    public let signatureVerified: Bool

    public var acr: String? { claims["acr"]?.stringValue }
    public var authTime: Int64? { claims["auth_time"]?.integerValue }
    public var amr: [String] { claims["amr"]?.arrayValue?.compactMap(\.stringValue) ?? [] }
    public var subject: String? { claims["sub"]?.stringValue }
    public var issuer: String? { claims["iss"]?.stringValue }
    public var nonce: String? { claims["nonce"]?.stringValue }
    public var expiry: Int64? { claims["exp"]?.integerValue }

    /// The audiences: `aud` as a string or an array.
    public var audiences: [String] {
        if let single = claims["aud"]?.stringValue { return [single] }
        return claims["aud"]?.arrayValue?.compactMap(\.stringValue) ?? []
    }

    /// The claims of `token`, its ES256 signature checked against `keys` when the header says
    /// ES256; nil when `token` is not a JWS with a JSON object payload (an opaque token).
    ///
    /// - Throws: `ProbeError.verification` when it claims ES256 and does not verify.
    public static func read(_ token: String, keys: JWKSet?) throws(ProbeError) -> TokenClaims? {
        guard let unverified = try? JWS.decodeWithoutVerifying(token),
            let claims = try? JSONValue.parse(unverified.payload), claims.objectValue != nil
        else { return nil }
        guard unverified.header["alg"]?.stringValue == "ES256" else {
            return TokenClaims(header: unverified.header, claims: claims, signatureVerified: false)
        }
        guard let keys else {
            throw ProbeError(.verification, "no JWKS to check the ES256 signature with")
        }
        do {
            let verified = try JWS.verify(token, keys: { keys.key(kid: $0)?.publicKey })
            let payload = try JSONValue.parse(verified.payload)
            return TokenClaims(header: verified.header, claims: payload, signatureVerified: true)
        } catch let error as JOSEError {
            throw ProbeError(.verification, "signature check failed: \(error.code)")
        } catch {
            throw ProbeError(.verification, "payload is not JSON")
        }
    }

    /// Checks an ID token as OIDC Core §3.1.3.7 says: issuer (step 2), audience (3), expiry
    /// (9, with `leeway` seconds), and the nonce sent (11).
    public func checkIDToken(
        issuer expected: String,
        clientID: String,
        nonce sent: String?,
        now: Date,
        leeway: Double = 60
    )
        throws(ProbeError)
    {
        guard issuer == expected else {
            throw ProbeError(.verification, "ID token iss is not the issuer")
        }
        guard audiences.contains(clientID) else {
            throw ProbeError(.verification, "ID token aud lacks the client")
        }
        guard let expiry, Double(expiry) + leeway > now.timeIntervalSince1970 else {
            throw ProbeError(.verification, "ID token expired or without exp")
        }
        if let sent, nonce != sent {
            throw ProbeError(.verification, "ID token nonce differs from the one sent")
        }
    }
}
