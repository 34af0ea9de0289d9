import Foundation
import StepgateCore
import StepgateCrypto
import StepgateHTTP
import StepgateStore

extension Provider {
    /// `/token` (RFC 6749 §3.2): the authorization-code grant with PKCE, and the refresh grant
    /// with rotation and reuse detection. A `DPoP` header (RFC 9449 §5) binds the access token
    /// to the proof's key, and a public client's refresh token too.
    func token(_ request: HTTPRequest) throws -> HTTPResponse {
        let form: FormData
        do {
            form = try request.formBody()
        } catch {
            throw OAuthError.invalidRequest("body is not a valid form")
        }
        let client = try authenticateClient(request, form)
        let grantType: String?
        do {
            grantType = try form.single("grant_type")
        } catch {
            throw OAuthError.invalidRequest("grant_type repeated")
        }
        switch grantType {
        case "authorization_code":
            let proof = try tokenProof(request, client: client)
            return try redeemCode(form, client: client, proof: proof, requestID: request.requestID)
        case "refresh_token":
            let proof = try tokenProof(request, client: client)
            return try refresh(form, client: client, proof: proof, requestID: request.requestID)
        case nil: throw OAuthError.invalidRequest("grant_type missing")
        default: throw OAuthError.unsupportedGrantType("grant type not supported")
        }
    }

    /// The request's DPoP proof for `/token`, with a server nonce when `dpop.nonce` is
    /// `required`; nil without a `DPoP` header, which a client that requires DPoP may not omit
    /// (`invalid_dpop_proof`).
    ///
    /// Known gap: `/authorize` ignores `dpop_jkt` (RFC 9449 §10); the authorization code stays
    /// bound by PKCE alone, and tokens are bound to the key of the token request's proof.
    private func tokenProof(_ request: HTTPRequest, client: ClientRecord) throws -> DPoPProof? {
        let proof = try dpopProof(
            request,
            method: "POST",
            uri: configuration.issuer + "/token",
            demandNonce: configuration.dpopNonceRequired
        )
        if proof == nil, client.requiresDPoP { throw OAuthError.invalidDPoPProof("client requires DPoP") }
        return proof
    }

    /// Authenticates the client (RFC 6749 §2.3): HTTP Basic or form secret for confidential
    /// clients, `client_id` alone for public ones. Every failure is `invalid_client`.
    func authenticateClient(_ request: HTTPRequest, _ form: FormData, allowPublic: Bool = true) throws -> ClientRecord {
        var id: String?
        var secret: String?
        guard form.values("client_id").count <= 1, form.values("client_secret").count <= 1 else {
            throw OAuthError.invalidRequest("client credentials repeated")
        }
        let postedID = form.value("client_id")
        let postedSecret = form.value("client_secret")
        if let header = request.headers["Authorization"] {
            guard let basic = Self.basicCredentials(header), postedSecret == nil else {
                throw OAuthError.invalidClient("malformed or doubled client authentication")
            }
            if let postedID, postedID != basic.id {
                throw OAuthError.invalidClient("client_id differs from the Basic credentials")
            }
            (id, secret) = (basic.id, basic.secret)
        } else {
            id = postedID
            secret = postedSecret
        }
        guard let id, !id.isEmpty, let client = try store.client(id: id) else {
            throw OAuthError.invalidClient("unknown client")
        }
        switch (client.secretHash, secret) {
        case (nil, nil) where allowPublic:
            return client
        case (let stored?, let given?) where ClientSecret.verify(given, against: stored):
            return client
        default:
            throw OAuthError.invalidClient("client authentication failed")
        }
    }

    /// `Authorization: Basic` credentials, each form-urlencoded as RFC 6749 §2.3.1 says.
    static func basicCredentials(_ header: String) -> (id: String, secret: String)? {
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "basic",
            let decoded = Data(base64Encoded: String(parts[1])), let text = String(data: decoded, encoding: .utf8),
            let colon = text.firstIndex(of: ":"),
            let pairs = try? FormData.parse(Array("i=\(text[..<colon])&s=\(text[text.index(after: colon)...])".utf8)),
            let id = pairs.value("i"), let secret = pairs.value("s")
        else { return nil }
        return (id, secret)
    }

    private func redeemCode(
        _ form: FormData,
        client: ClientRecord,
        proof: DPoPProof?,
        requestID: String
    ) throws -> HTTPResponse {
        let code: String?
        let redirectURI: String?
        let verifier: String?
        do {
            code = try form.single("code")
            redirectURI = try form.single("redirect_uri")
            verifier = try form.single("code_verifier")
        } catch {
            throw OAuthError.invalidRequest("a parameter is repeated")
        }
        guard let code, let redirectURI else { throw OAuthError.invalidRequest("code or redirect_uri missing") }
        guard let verifier, PKCE.isValidVerifier(verifier) else {
            throw OAuthError.invalidRequest("PKCE code_verifier missing or malformed")
        }
        let hash = SecretHash.hash(code)
        // The binding checks read fields that never change, so they run before the one atomic
        // consumption: a request that fails them leaves the code as it was.
        guard let stored = try store.authorizationCode(hash: hash) else {
            throw OAuthError.invalidGrant("unknown code")
        }
        guard stored.grant.clientID == client.id, stored.redirectURI == redirectURI,
            PKCE.verify(verifier: verifier, challenge: stored.codeChallenge)
        else {
            throw OAuthError.invalidGrant("code binding does not match")
        }
        let familyID = Self.familyID(codeHash: hash)
        guard let user = try store.user(id: stored.grant.userID), !user.disabled else {
            // Spent all the same, as any code that reached the token endpoint: re-enabling the
            // user does not revive it. A code used before is still a replay.
            guard try store.consumeAuthorizationCode(hash: hash, now: clock.now) != nil else {
                throw try refusedRedemption(stored, familyID: familyID, client: client, requestID: requestID)
            }
            throw OAuthError.invalidGrant("user disabled")
        }
        let binding = TokenBinding(access: proof?.thumbprint, refresh: client.isPublic ? proof?.thumbprint : nil)
        let issued = newTokens(grant: stored.grant, familyID: familyID, boundTo: binding.refresh)
        // The code is spent and the refresh token stored in one transaction: a store failure
        // leaves the code unspent, and the client's retry can still redeem it.
        // Known gap: a commit applied by the database whose acknowledgement is lost answers 503
        // with the code spent; the retry is refused as a replay and revokes the family.
        guard
            let record = try store.redeemAuthorizationCode(
                hash: hash,
                now: clock.now,
                refreshToken: issued.record
            )
        else {
            throw try refusedRedemption(stored, familyID: familyID, client: client, requestID: requestID)
        }
        metrics.increment("stepgate_tokens_issued_total", [("grant_type", "authorization_code")])
        return try tokenResponse(
            grant: record.grant,
            user: user,
            nonce: record.nonce,
            issued: issued,
            grantType: "authorization_code",
            binding: binding,
            transaction: record.transaction,
            requestID: requestID
        )
    }

    /// The refusal of a code that could not be consumed: expired, or used before or just now by
    /// a request racing this one (on this node or another). The first read may predate that use,
    /// so the code is read again; a replay revokes what the first redemption issued.
    private func refusedRedemption(
        _ stored: AuthorizationCodeRecord,
        familyID: String,
        client: ClientRecord,
        requestID: String
    ) throws -> OAuthError {
        if try stored.consumedAt != nil || store.authorizationCode(hash: stored.codeHash)?.consumedAt != nil {
            // A replayed code: revoke what the first redemption issued (RFC 6749 §4.1.2), the
            // refresh tokens of its family and the access tokens issued with them. That
            // redemption has committed: it spent the code in the transaction that stored them.
            try markFamilyRevoked(familyID, grant: stored.grant)
            let revoked = try store.revokeRefreshFamily(familyID: familyID, at: clock.now)
            logger.notice(
                "authorization code replayed",
                [LogKey.requestID: requestID, LogKey.clientID: client.id, LogKey.count: "\(revoked)"]
            )
            audit(
                .codeReplayed,
                requestID: requestID,
                [AuditKey.clientID: client.id, AuditKey.subject: stored.grant.userID, AuditKey.count: "\(revoked)"]
            )
        }
        return OAuthError.invalidGrant("code expired or already used")
    }

    /// Stores a revoked, unusable token in `familyID`, so a refresh token the first redemption
    /// of a replayed code has not stored yet (it may be doing so at this moment, on another
    /// node) goes in revoked: the store adds a token to a family holding a revoked one as
    /// revoked. Without it, a revocation that comes first finds the family empty.
    ///
    /// Its hash is derived from the family, not from a token value (none exists that hashes to
    /// it), so replaying a code again adds no second row.
    private func markFamilyRevoked(_ familyID: String, grant: GrantRecord) throws {
        let now = clock.now
        do {
            try store.insertRefreshToken(
                RefreshTokenRecord(
                    tokenHash: Digest.sha256(Array("revoked-refresh-family".utf8) + Array(familyID.utf8)),
                    familyID: familyID,
                    grant: grant,
                    createdAt: now,
                    expiresAt: now,
                    usedAt: now,
                    revokedAt: now
                )
            )
        } catch let error as StoreError where error.code == .conflict {
            return  // marked by an earlier replay
        }
    }

    /// The refresh-token family of a code: derived from the code's hash, so a replayed code can
    /// revoke what its first redemption issued without storing a link.
    static func familyID(codeHash: [UInt8]) -> String {
        Base64URL.encode(Array(Digest.sha256(Array("refresh-family".utf8) + codeHash).prefix(18)))
    }

    private func refresh(
        _ form: FormData,
        client: ClientRecord,
        proof: DPoPProof?,
        requestID: String
    ) throws -> HTTPResponse {
        guard let presented = (try? form.single("refresh_token")) ?? nil else {
            throw OAuthError.invalidRequest("refresh_token missing or repeated")
        }
        let hash = SecretHash.hash(presented)
        let now = clock.now
        guard let stored = try store.refreshToken(hash: hash), stored.grant.clientID == client.id else {
            throw OAuthError.invalidGrant("unknown refresh token")
        }
        if stored.usedAt != nil || stored.revokedAt != nil {
            try revokeOnReuse(stored, requestID: requestID)
            throw OAuthError.invalidGrant("refresh token reused")
        }
        guard now < stored.expiresAt else { throw OAuthError.invalidGrant("refresh token expired") }
        // RFC 9449 §5: a bound refresh token needs a proof by its key. Checked before the token
        // is used, so a refusal leaves it usable by its holder.
        if let bound = stored.dpopThumbprint {
            guard let proof else { throw OAuthError.invalidDPoPProof("bound refresh token without a proof") }
            guard constantTimeEquals(proof.thumbprint, bound) else {
                throw OAuthError.invalidGrant("refresh token bound to another key")
            }
        }
        if let requested = (try? form.single("scope")) ?? nil {
            // Known gap: a refresh cannot narrow the scope; a request that tries is refused.
            guard requested == stored.grant.scope else { throw OAuthError.invalidScope("scope cannot change") }
        }
        guard let user = try store.user(id: stored.grant.userID), !user.disabled else {
            throw OAuthError.invalidGrant("user disabled")
        }
        let binding = TokenBinding(access: proof?.thumbprint, refresh: stored.dpopThumbprint)
        let issued = newTokens(grant: stored.grant, familyID: stored.familyID, boundTo: binding.refresh)
        // The token is spent and its successor stored in one transaction: a store failure
        // leaves the presented token usable for the client's retry.
        guard let record = try store.rotateRefreshToken(hash: hash, now: now, next: issued.record) else {
            // Lost a race with another use of the same token: that is reuse too.
            try revokeOnReuse(stored, requestID: requestID)
            throw OAuthError.invalidGrant("refresh token reused")
        }
        metrics.increment("stepgate_tokens_issued_total", [("grant_type", "refresh_token")])
        return try tokenResponse(
            grant: record.grant,
            user: user,
            nonce: nil,
            issued: issued,
            grantType: "refresh_token",
            binding: binding,
            requestID: requestID
        )
    }

    private func revokeOnReuse(_ token: RefreshTokenRecord, requestID: String) throws {
        let revoked = try store.revokeRefreshFamily(familyID: token.familyID, at: clock.now)
        metrics.increment("stepgate_refresh_reuse_total")
        audit(
            .refreshReuseDetected,
            requestID: requestID,
            [
                AuditKey.clientID: token.grant.clientID, AuditKey.subject: token.grant.userID,
                AuditKey.count: "\(revoked)",
            ]
        )
        logger.notice(
            "refresh token reused; family revoked",
            [LogKey.requestID: requestID, LogKey.clientID: token.grant.clientID, LogKey.count: "\(revoked)"]
        )
    }

    /// The tokens of one token response, chosen before anything is stored: the refresh token
    /// and the record that stores its hash, and the access token's `jti` and times, which the
    /// record carries so that revoking the refresh token's family revokes the access token too.
    struct IssuedTokens {
        let refreshToken: String
        let record: RefreshTokenRecord
        let accessTokenID: String
        let issuedAt: Int64
        let accessExpiresAt: Int64
    }

    /// New tokens for `grant` in `familyID`, the refresh token bound to the DPoP key
    /// `thumbprint` when there is one; stored by the caller's redemption or rotation.
    private func newTokens(grant: GrantRecord, familyID: String, boundTo thumbprint: String?) -> IssuedTokens {
        let now = clock.now
        let issuedAt = Int64(now.timeIntervalSince1970)
        let accessExpiresAt = issuedAt + Int64(configuration.accessTokenLifetime)
        let accessTokenID = random.token(byteCount: 16)
        let value = random.token(byteCount: 32)
        let record = RefreshTokenRecord(
            tokenHash: SecretHash.hash(value),
            familyID: familyID,
            grant: grant,
            createdAt: now,
            expiresAt: now.addingTimeInterval(configuration.refreshTokenLifetime),
            usedAt: nil,
            revokedAt: nil,
            dpopThumbprint: thumbprint,
            accessTokenID: accessTokenID,
            accessTokenExpiresAt: Date(timeIntervalSince1970: TimeInterval(accessExpiresAt))
        )
        return IssuedTokens(
            refreshToken: value,
            record: record,
            accessTokenID: accessTokenID,
            issuedAt: issuedAt,
            accessExpiresAt: accessExpiresAt
        )
    }

    /// Access token (RFC 9068), ID token (OIDC Core §2) and the refresh token of `issued`, which
    /// is already stored.
    ///
    /// All three carry the grant's original `acr`, `amr` and `auth_time`: a refresh never
    /// refreshes the proof of authentication. A code approved for a transaction gives its access
    /// token `authorization_details` and the transaction's hash (`stepgate_transaction`); the
    /// refresh token does not carry them, so the transaction is never in two access tokens.
    private func tokenResponse(
        grant: GrantRecord,
        user: UserRecord,
        nonce: String?,
        issued: IssuedTokens,
        grantType: String,
        binding: TokenBinding,
        transaction: CodeTransaction? = nil,
        requestID: String
    ) throws -> HTTPResponse {
        let now = clock.now
        let issuedAt = issued.issuedAt
        let authClaims: [String: JSONValue] = [
            "iss": .string(configuration.issuer),
            "sub": .string(user.id),
            "iat": .integer(issuedAt),
            "auth_time": .integer(Int64(grant.authTime.timeIntervalSince1970)),
            "acr": .string(grant.acr),
            "amr": .array(grant.amr.map(JSONValue.string)),
        ]
        var access = authClaims
        access["aud"] = .string(configuration.issuer)
        access["client_id"] = .string(grant.clientID)
        access["scope"] = .string(grant.scope)
        access["jti"] = .string(issued.accessTokenID)
        access["exp"] = .integer(issued.accessExpiresAt)
        if let jkt = binding.access { access["cnf"] = .object(["jkt": .string(jkt)]) }
        var details: JSONValue?
        if let transaction {
            details = try JSONValue.parse(Array(transaction.authorizationDetails.utf8))
            access["authorization_details"] = details
            access[TransactionClaim.name] = .object([
                "action": .string(transaction.action), "hash": .string(transaction.hash),
            ])
        }
        var identity = authClaims
        identity["aud"] = .string(grant.clientID)
        identity["azp"] = .string(grant.clientID)
        identity["exp"] = .integer(issuedAt + Int64(configuration.idTokenLifetime))
        if let nonce { identity["nonce"] = .string(nonce) }
        if grant.scope.split(separator: " ").contains("profile") {
            identity["preferred_username"] = .string(user.name)
        }

        var body: [String: JSONValue] = [
            "access_token": .string(try keys.sign(.object(access), type: "at+jwt")),
            "token_type": .string(binding.access == nil ? "Bearer" : "DPoP"),
            "expires_in": .integer(Int64(configuration.accessTokenLifetime)),
            "id_token": .string(try keys.sign(.object(identity), type: "JWT")),
            "refresh_token": .string(issued.refreshToken),
            "scope": .string(grant.scope),
        ]
        if let details { body["authorization_details"] = details }
        audit(
            .tokensIssued,
            requestID: requestID,
            [
                AuditKey.clientID: grant.clientID, AuditKey.subject: user.id, AuditKey.acr: grant.acr,
                AuditKey.amr: grant.amr.joined(separator: " "), AuditKey.grantType: grantType,
                AuditKey.action: transaction?.action, AuditKey.transaction: transaction?.hash,
            ]
        )
        logger.info(
            "tokens issued",
            [
                LogKey.requestID: requestID, LogKey.clientID: grant.clientID, LogKey.subject: user.id,
                LogKey.acr: grant.acr,
            ]
        )
        var response = HTTPResponse.json(200, JSONValue.object(body).serialized())
        response.headers.set("Cache-Control", "no-store")
        response.headers.set("Pragma", "no-cache")
        if binding.access != nil, configuration.dpopNonceRequired {
            response.headers.set("DPoP-Nonce", dpopNonces.current(at: now))
        }
        return response
    }
}

/// The DPoP keys (RFC 7638 thumbprints) new tokens are bound to; nil binds nothing.
struct TokenBinding {
    /// The access token's `cnf.jkt`: the key of this request's proof.
    var access: String?
    /// The refresh token's key: a public client's proof key, kept across rotations.
    var refresh: String?
}
