import Foundation

// Authorization codes, refresh tokens and revoked access tokens.

/// The column lists of the grant tables, in the order their record readers take them.
private enum GrantColumns {
    /// Read by `authorizationCodeRecord`.
    static let code = """
        code_hash, client_id, user_id, scope, acr, amr, auth_time, redirect_uri, code_challenge, nonce,
        created_at, expires_at, consumed_at, transaction_action, transaction_hash, authorization_details
        """
    /// Read by `refreshTokenRecord`, and written in this order by `addRefreshToken`.
    static let refreshToken = """
        token_hash, family_id, client_id, user_id, scope, acr, amr, auth_time,
        created_at, expires_at, used_at, revoked_at, dpop_jkt, access_jti, access_expires_at
        """
}

extension SQLStore {
    // MARK: Authorization codes

    /// Adds a code; throws `StoreError(.conflict)` if the hash exists or the client or user is
    /// unknown.
    public func insertAuthorizationCode(_ code: AuthorizationCodeRecord) throws {
        let amr = try StoreCoding.jsonArray(code.grant.amr)
        try withConnection { connection in
            try connection.run(
                """
                INSERT INTO authorization_codes (
                    code_hash, client_id, user_id, scope, acr, amr, auth_time,
                    redirect_uri, code_challenge, nonce, created_at, expires_at,
                    transaction_action, transaction_hash, authorization_details
                ) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
                """,
                [
                    .blob(code.codeHash), .text(code.grant.clientID), .text(code.grant.userID),
                    .text(code.grant.scope), .text(code.grant.acr), .text(amr), .date(code.grant.authTime),
                    .text(code.redirectURI), .text(code.codeChallenge), .text(code.nonce),
                    .date(code.createdAt), .date(code.expiresAt), .text(code.transaction?.action),
                    .text(code.transaction?.hash), .text(code.transaction?.authorizationDetails),
                ]
            )
        }
    }

    /// Consumes the code in one conditional `UPDATE … RETURNING`: only if unconsumed and
    /// `expires_at > now` (whole seconds). Of racing calls, exactly one gets the record.
    public func consumeAuthorizationCode(hash: [UInt8], now: Date) throws -> AuthorizationCodeRecord? {
        try withConnection { connection in
            try Self.consumeCode(hash: hash, now: now, on: connection)
        }
    }

    /// Consumes the code and stores the first refresh token of its tokens in one write
    /// transaction: both happen or neither. The user's row is held first (see
    /// `holdUserForIssuance`), then the token's family is locked, in the order
    /// `revokeRefreshFamily` takes its locks (family, then rows).
    public func redeemAuthorizationCode(
        hash: [UInt8],
        now: Date,
        refreshToken: RefreshTokenRecord
    ) throws -> AuthorizationCodeRecord? {
        let amr = try StoreCoding.jsonArray(refreshToken.grant.amr)
        return try withConnection { connection in
            try connection.writeTransaction {
                try Self.holdUserForIssuance(refreshToken.grant.userID, on: connection)
                try Self.lockFamily(refreshToken.familyID, on: connection)
                guard let code = try Self.consumeCode(hash: hash, now: now, on: connection) else { return nil }
                try Self.addRefreshToken(refreshToken, amr: amr, on: connection)
                return code
            }
        }
    }

    private static func consumeCode(hash: [UInt8], now: Date, on connection: Connection) throws
        -> AuthorizationCodeRecord?
    {
        try connection.queryFirst(
            """
            UPDATE authorization_codes SET consumed_at = ?1
            WHERE code_hash = ?2 AND consumed_at IS NULL AND expires_at > ?1
            RETURNING \(GrantColumns.code)
            """,
            [.date(now), .blob(hash)],
            Self.authorizationCodeRecord
        )
    }

    /// The code with this hash in any state, or nil; a plain read.
    public func authorizationCode(hash: [UInt8]) throws -> AuthorizationCodeRecord? {
        try withConnection { connection in
            try connection.queryFirst(
                """
                SELECT \(GrantColumns.code)
                FROM authorization_codes WHERE code_hash = ?1
                """,
                [.blob(hash)],
                Self.authorizationCodeRecord
            )
        }
    }

    static func authorizationCodeRecord(_ row: Connection.Row) throws -> AuthorizationCodeRecord {
        AuthorizationCodeRecord(
            codeHash: try row.blob(0),
            grant: try grantRecord(row, from: 1),
            redirectURI: try row.text(7),
            codeChallenge: try row.text(8),
            nonce: try row.textOrNil(9),
            createdAt: try row.date(10),
            expiresAt: try row.date(11),
            consumedAt: try row.dateOrNil(12),
            transaction: try codeTransaction(row, from: 13)
        )
    }

    /// The three transaction columns: all set, or all null.
    private static func codeTransaction(_ row: Connection.Row, from index: Int32) throws -> CodeTransaction? {
        let action = try row.textOrNil(index)
        let hash = try row.textOrNil(index + 1)
        let details = try row.textOrNil(index + 2)
        switch (action, hash, details) {
        case (nil, nil, nil): return nil
        case (let action?, let hash?, let details?):
            return CodeTransaction(action: action, hash: hash, authorizationDetails: details)
        default: throw StoreError(.corrupt, "authorization code has a partial transaction")
        }
    }

    // MARK: Refresh tokens

    /// Adds a token; throws `StoreError(.conflict)` if the hash exists or the client or user is
    /// unknown.
    ///
    /// A token added to a family that holds a revoked token is stored revoked (at that token's
    /// time). The family is locked for the insert as `revokeRefreshFamily` locks it, so a
    /// revocation that races the insert (a reused token, or a replayed code, on another node)
    /// either commits first and the new token goes in revoked, or waits and revokes it too.
    public func insertRefreshToken(_ token: RefreshTokenRecord) throws {
        let amr = try StoreCoding.jsonArray(token.grant.amr)
        try withConnection { connection in
            try connection.writeTransaction {
                try Self.lockFamily(token.familyID, on: connection)
                try Self.addRefreshToken(token, amr: amr, on: connection)
            }
        }
    }

    /// Inside a write transaction holding the token's family lock: inserts the token, revoked
    /// if its family holds a revoked token. `amr` is the grant's methods as stored.
    private static func addRefreshToken(_ token: RefreshTokenRecord, amr: String, on connection: Connection) throws {
        let familyRevokedAt = try connection.queryFirst(
            "SELECT revoked_at FROM refresh_tokens WHERE family_id = ?1 AND revoked_at IS NOT NULL LIMIT 1",
            [.text(token.familyID)]
        ) { try $0.date(0) }
        try connection.run(
            """
            INSERT INTO refresh_tokens (\(GrantColumns.refreshToken))
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
            """,
            [
                .blob(token.tokenHash), .text(token.familyID), .text(token.grant.clientID),
                .text(token.grant.userID), .text(token.grant.scope), .text(token.grant.acr), .text(amr),
                .date(token.grant.authTime), .date(token.createdAt), .date(token.expiresAt),
                .date(token.usedAt), .date(token.revokedAt ?? familyRevokedAt), .text(token.dpopThumbprint),
                .text(token.accessTokenID), .date(token.accessTokenExpiresAt),
            ]
        )
    }

    /// Inside a write transaction: waits for, then holds until the transaction ends, the lock of
    /// one refresh-token family, so inserts into and revocations of one family run one after
    /// the other. On PostgreSQL a transaction-level advisory lock (each later statement of the
    /// transaction sees what the previous holder committed); nothing on SQLite, whose write
    /// transactions hold the database's one write lock from their start.
    private static func lockFamily(_ familyID: String, on connection: Connection) throws {
        guard let lock = Connection.dialect.familyLock else { return }
        _ = try connection.query(lock, [.text(familyID)]) { _ in () }
    }

    /// The token with this hash in any state (used, revoked, expired), or nil; callers use it
    /// to detect reuse of a rotated token.
    public func refreshToken(hash: [UInt8]) throws -> RefreshTokenRecord? {
        try withConnection { connection in
            try connection.queryFirst(
                """
                SELECT \(GrantColumns.refreshToken)
                FROM refresh_tokens WHERE token_hash = ?1
                """,
                [.blob(hash)],
                Self.refreshTokenRecord
            )
        }
    }

    /// Marks the token used in one conditional `UPDATE … RETURNING`: only if unused,
    /// unrevoked and `expires_at > now`. The returned record carries `usedAt` = `now`.
    public func consumeRefreshToken(hash: [UInt8], now: Date) throws -> RefreshTokenRecord? {
        try withConnection { connection in
            try Self.consumeRefreshToken(hash: hash, now: now, on: connection)
        }
    }

    /// Consumes the token and stores its successor in one write transaction: both happen or
    /// neither, so a failure in between never leaves a client with a spent token and no new
    /// one. The user's row is held first (see `holdUserForIssuance`), then the family is
    /// locked, as `revokeRefreshFamily` locks it; a successor in
    /// another family than the consumed token's is refused (`StoreError(.conflict)`), and the
    /// token stays unused.
    public func rotateRefreshToken(
        hash: [UInt8],
        now: Date,
        next: RefreshTokenRecord
    ) throws -> RefreshTokenRecord? {
        let amr = try StoreCoding.jsonArray(next.grant.amr)
        return try withConnection { connection in
            try connection.writeTransaction {
                try Self.holdUserForIssuance(next.grant.userID, on: connection)
                try Self.lockFamily(next.familyID, on: connection)
                guard let used = try Self.consumeRefreshToken(hash: hash, now: now, on: connection) else { return nil }
                guard used.familyID == next.familyID else {
                    throw StoreError(.conflict, "successor refresh token in another family")
                }
                try Self.addRefreshToken(next, amr: amr, on: connection)
                return used
            }
        }
    }

    private static func consumeRefreshToken(hash: [UInt8], now: Date, on connection: Connection) throws
        -> RefreshTokenRecord?
    {
        try connection.queryFirst(
            """
            UPDATE refresh_tokens SET used_at = ?1
            WHERE token_hash = ?2 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > ?1
            RETURNING \(GrantColumns.refreshToken)
            """,
            [.date(now), .blob(hash)],
            Self.refreshTokenRecord
        )
    }

    /// Revokes every not yet revoked token of the family, and the access tokens issued with
    /// them that have not expired at `at`; returns how many refresh tokens that was. Holds the
    /// family's lock (see `insertRefreshToken`), so a token being added at the same time is
    /// revoked too.
    @discardableResult
    public func revokeRefreshFamily(familyID: String, at: Date) throws -> Int {
        try withConnection { connection in
            try connection.writeTransaction {
                try Self.lockFamily(familyID, on: connection)
                let revoked = try connection.run(
                    "UPDATE refresh_tokens SET revoked_at = ?2 WHERE family_id = ?1 AND revoked_at IS NULL",
                    [.text(familyID), .date(at)]
                )
                try Self.revokeIssuedAccessTokens(of: "family_id", familyID, at: at, on: connection)
                return revoked
            }
        }
    }

    /// Inside a write transaction: adds to the revoked access tokens every access token issued
    /// with a refresh token whose `column` (`family_id` or `user_id`) is `value` and that has
    /// not expired at `at`; revoking one again keeps the later expiry, as `revokeAccessToken`.
    static func revokeIssuedAccessTokens(of column: String, _ value: String, at: Date, on connection: Connection)
        throws
    {
        try connection.run(
            """
            INSERT INTO revoked_access_tokens (jti, expires_at)
            SELECT access_jti, access_expires_at FROM refresh_tokens
            WHERE \(column) = ?1 AND access_jti IS NOT NULL AND access_expires_at > ?2
            ON CONFLICT (jti) DO UPDATE SET expires_at = excluded.expires_at
            WHERE excluded.expires_at > revoked_access_tokens.expires_at
            """,
            [.text(value), .date(at)]
        )
    }

    /// Inside a write transaction that issues tokens to `userID`: holds the user's row until the
    /// transaction ends, against a password change (`changePassword` locks the row for update
    /// first). A change that came first has revoked the presented token or deleted the code,
    /// which this transaction then finds spent; one that comes second waits, and then revokes
    /// what this transaction stored. Issuances for one user do not wait for each other. Nothing
    /// on SQLite, whose write transactions never overlap.
    static func holdUserForIssuance(_ userID: String, on connection: Connection) throws {
        _ = try connection.queryFirst(
            "SELECT 1 FROM users WHERE id = ?1" + Connection.dialect.forShare,
            [.text(userID)]
        ) { _ in true }
    }

    private static func refreshTokenRecord(_ row: Connection.Row) throws -> RefreshTokenRecord {
        RefreshTokenRecord(
            tokenHash: try row.blob(0),
            familyID: try row.text(1),
            grant: try grantRecord(row, from: 2),
            createdAt: try row.date(8),
            expiresAt: try row.date(9),
            usedAt: try row.dateOrNil(10),
            revokedAt: try row.dateOrNil(11),
            dpopThumbprint: try row.textOrNil(12),
            accessTokenID: try row.textOrNil(13),
            accessTokenExpiresAt: try row.dateOrNil(14)
        )
    }

    /// Reads client_id, user_id, scope, acr, amr, auth_time from six columns starting at `first`.
    private static func grantRecord(_ row: Connection.Row, from first: Int32) throws -> GrantRecord {
        GrantRecord(
            clientID: try row.text(first),
            userID: try row.text(first + 1),
            scope: try row.text(first + 2),
            acr: try row.text(first + 3),
            amr: try row.strings(first + 4),
            authTime: try row.date(first + 5)
        )
    }

    // MARK: DPoP proofs

    /// Records the proof in one `INSERT … ON CONFLICT DO NOTHING`; true only for the call
    /// that inserted the row.
    ///
    /// Expired rows still count as used until `pruneExpired` deletes them, which is harmless:
    /// their proofs are outside the `iat` window anyway.
    public func consumeDPoPProof(jtiHash: [UInt8], expiresAt: Date, now: Date) throws -> Bool {
        try withConnection { connection in
            try connection.run(
                """
                INSERT INTO dpop_proofs (jti_hash, consumed_at, expires_at) VALUES (?1, ?2, ?3)
                ON CONFLICT (jti_hash) DO NOTHING
                """,
                [.blob(jtiHash), .date(now), .date(expiresAt)]
            ) == 1
        }
    }

    // MARK: Revoked access tokens

    /// Remembers the revocation; revoking again keeps the later of the two expiry times.
    ///
    /// Rows past their expiry stay reported as revoked until `pruneExpired` deletes them, which
    /// is harmless since the tokens have expired anyway.
    public func revokeAccessToken(jti: String, expiresAt: Date) throws {
        try withConnection { connection in
            try connection.run(
                """
                INSERT INTO revoked_access_tokens (jti, expires_at) VALUES (?1, ?2)
                ON CONFLICT (jti) DO UPDATE SET expires_at = excluded.expires_at
                WHERE excluded.expires_at > revoked_access_tokens.expires_at
                """,
                [.text(jti), .date(expiresAt)]
            )
        }
    }

    /// True if the token with `jti` was revoked (whether or not it has expired since).
    public func isAccessTokenRevoked(jti: String) throws -> Bool {
        try withConnection { connection in
            try connection.queryFirst(
                "SELECT 1 FROM revoked_access_tokens WHERE jti = ?1",
                [.text(jti)]
            ) { _ in true } ?? false
        }
    }
}
