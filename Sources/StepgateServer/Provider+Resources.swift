import Foundation
import StepgateCore
import StepgateCrypto
import StepgateHTTP
import StepgateStore

/// The claims of an access token this provider issued, once verified.
struct AccessTokenClaims: Sendable {
    let subject: String
    let clientID: String
    let scope: String
    let jti: String
    let issuedAt: Int64
    let expiresAt: Int64
    let claims: JSONValue
}

extension Provider {
    /// Verifies an RFC 9068 access token: our signature, `typ` `at+jwt`, our issuer, not expired,
    /// not revoked. Throws `invalid_token` for every failure of the token, and the `StoreError`
    /// when the store cannot answer (reloading the keys, or reading the revocation): a token
    /// that may well be valid is never called invalid because the database is down.
    func verifyAccessToken(_ token: String) throws -> AccessTokenClaims {
        guard token.utf8.count <= 8_192, let verified = try verifiedSignature(token),
            verified.header["typ"]?.stringValue?.lowercased() == "at+jwt",
            let claims = try? JSONValue.parse(verified.payload),
            claims["iss"]?.stringValue == configuration.issuer,
            claims["aud"]?.stringValue == configuration.issuer,
            let subject = claims["sub"]?.stringValue,
            let clientID = claims["client_id"]?.stringValue,
            let jti = claims["jti"]?.stringValue,
            let issuedAt = claims["iat"]?.integerValue,
            let expiresAt = claims["exp"]?.integerValue,
            Int64(clock.now.timeIntervalSince1970) < expiresAt
        else { throw OAuthError.invalidToken("access token not valid") }
        guard try !store.isAccessTokenRevoked(jti: jti) else { throw OAuthError.invalidToken("access token revoked") }
        return AccessTokenClaims(
            subject: subject,
            clientID: clientID,
            scope: claims["scope"]?.stringValue ?? "",
            jti: jti,
            issuedAt: issuedAt,
            expiresAt: expiresAt,
            claims: claims
        )
    }

    /// The token's signature checked against the key ring; nil when it does not verify. A store
    /// error (the ring reloads from the store when it is stale or meets an unknown `kid`) is
    /// thrown as it is.
    private func verifiedSignature(_ token: String) throws -> VerifiedJWS? {
        do {
            return try keys.verify(token)
        } catch let error as StoreError {
            throw error
        } catch {
            return nil
        }
    }

    /// The claims of `token` when it is a valid access token, nil when it is not; a store error
    /// is thrown (see `verifyAccessToken`).
    func validAccessToken(_ token: String) throws -> AccessTokenClaims? {
        do {
            return try verifyAccessToken(token)
        } catch is OAuthError {
            return nil
        }
    }

    /// `/userinfo` (OIDC Core §5.3) with a Bearer access token, or a DPoP-bound one with its
    /// proof (RFC 9449 §7), in the header.
    func userinfo(_ request: HTTPRequest) throws -> HTTPResponse {
        let access: AccessTokenClaims
        do {
            let uri = configuration.issuer + "/userinfo"
            guard let found = try resourceToken(request, method: request.method.rawValue, uri: uri) else {
                throw OAuthError.invalidToken("bearer token missing")
            }
            access = found
        } catch let error as ResourceTokenError {
            logger.info(
                "request rejected",
                [LogKey.requestID: request.requestID, LogKey.route: request.path, LogKey.reason: error.code]
            )
            return error.response
        }
        guard let user = try store.user(id: access.subject), !user.disabled else {
            throw OAuthError.invalidToken("user disabled or gone")
        }
        var claims: [String: JSONValue] = ["sub": .string(user.id)]
        if access.scope.split(separator: " ").contains("profile") {
            claims["preferred_username"] = .string(user.name)
        }
        return .json(200, JSONValue.object(claims).serialized())
    }

    /// `/revoke` (RFC 7009): a refresh token revokes its whole family; an access token is
    /// remembered as revoked until it expires. Unknown tokens answer 200, as §2.2 requires.
    func revoke(_ request: HTTPRequest) throws -> HTTPResponse {
        let form: FormData
        do {
            form = try request.formBody()
        } catch {
            throw OAuthError.invalidRequest("body is not a valid form")
        }
        let client = try authenticateClient(request, form)
        guard let token = (try? form.single("token")) ?? nil, !token.isEmpty else {
            throw OAuthError.invalidRequest("token missing or repeated")
        }
        let now = clock.now
        if let refresh = try store.refreshToken(hash: SecretHash.hash(token)) {
            if refresh.grant.clientID == client.id {
                try store.revokeRefreshFamily(familyID: refresh.familyID, at: now)
                logger.info("refresh token revoked", [LogKey.requestID: request.requestID, LogKey.clientID: client.id])
            }
        } else if let access = try validAccessToken(token), access.clientID == client.id {
            try store.revokeAccessToken(
                jti: access.jti,
                expiresAt: Date(timeIntervalSince1970: TimeInterval(access.expiresAt))
            )
            logger.info("access token revoked", [LogKey.requestID: request.requestID, LogKey.clientID: client.id])
        }
        return HTTPResponse(status: 200)
    }

    /// `/introspect` (RFC 7662), for confidential clients.
    func introspect(_ request: HTTPRequest) throws -> HTTPResponse {
        let form: FormData
        do {
            form = try request.formBody()
        } catch {
            throw OAuthError.invalidRequest("body is not a valid form")
        }
        _ = try authenticateClient(request, form, allowPublic: false)
        guard let token = (try? form.single("token")) ?? nil, !token.isEmpty else {
            throw OAuthError.invalidRequest("token missing or repeated")
        }
        let inactive = HTTPResponse.json(200, JSONValue.object(["active": false]).serialized())
        let now = clock.now
        if let refresh = try store.refreshToken(hash: SecretHash.hash(token)) {
            guard refresh.usedAt == nil, refresh.revokedAt == nil, now < refresh.expiresAt,
                let user = try store.user(id: refresh.grant.userID), !user.disabled
            else { return inactive }
            let body: JSONValue = .object([
                "active": true,
                "token_type": "refresh_token",
                "client_id": .string(refresh.grant.clientID),
                "sub": .string(user.id),
                "scope": .string(refresh.grant.scope),
                "exp": .integer(Int64(refresh.expiresAt.timeIntervalSince1970)),
                "iat": .integer(Int64(refresh.createdAt.timeIntervalSince1970)),
                "iss": .string(configuration.issuer),
                "acr": .string(refresh.grant.acr),
                "amr": .array(refresh.grant.amr.map(JSONValue.string)),
                "auth_time": .integer(Int64(refresh.grant.authTime.timeIntervalSince1970)),
            ])
            if let jkt = refresh.dpopThumbprint, var object = body.objectValue {
                object["cnf"] = .object(["jkt": .string(jkt)])
                return .json(200, JSONValue.object(object).serialized())
            }
            return .json(200, body.serialized())
        }
        guard let access = try validAccessToken(token), let user = try store.user(id: access.subject), !user.disabled
        else { return inactive }
        var object = access.claims.objectValue ?? [:]
        object["active"] = true
        object["token_type"] = .string(Self.dpopThumbprint(access.claims) == nil ? "Bearer" : "DPoP")
        object["username"] = .string(user.name)
        return .json(200, JSONValue.object(object).serialized())
    }
}
