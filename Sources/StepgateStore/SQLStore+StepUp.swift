import Foundation

// Step-up challenges of the decision endpoint and the transaction grants they lead to.
extension SQLStore {
    /// Throws `StoreError(.conflict)` if the ID is taken or the session is unknown.
    public func insertChallenge(_ challenge: ChallengeRecord) throws {
        try withConnection { connection in
            try connection.run(
                """
                INSERT INTO stepup_challenges (id, session_id_hash, action, acr, max_age, transaction_hash, details,
                    return_to, created_at, expires_at, completed_at)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
                """,
                [
                    .text(challenge.id), .blob(challenge.sessionIDHash), .text(challenge.action),
                    .text(challenge.acr), .integer(challenge.maxAge.map(Int64.init)), .text(challenge.transactionHash),
                    .text(challenge.details), .text(challenge.returnTo), .date(challenge.createdAt),
                    .date(challenge.expiresAt), .date(challenge.completedAt),
                ]
            )
        }
    }

    /// The challenge in any state, or nil; a plain read.
    public func challenge(id: String) throws -> ChallengeRecord? {
        try withConnection { connection in
            try connection.queryFirst(
                "SELECT \(StoreSQL.challengeColumns) FROM stepup_challenges WHERE id = ?1",
                [.text(id)],
                Self.challengeRecord
            )
        }
    }

    /// Marks the challenge completed, only if it belongs to `sessionIDHash`, is open and
    /// `expires_at > now`; returns it, or nil changing nothing. Of racing calls, one wins.
    public func completeChallenge(id: String, sessionIDHash: [UInt8], now: Date) throws -> ChallengeRecord? {
        try withConnection { connection in
            try connection.queryFirst(
                """
                UPDATE stepup_challenges SET completed_at = ?3
                WHERE id = ?1 AND session_id_hash = ?2 AND completed_at IS NULL AND expires_at > ?3
                RETURNING \(StoreSQL.challengeColumns)
                """,
                [.text(id), .blob(sessionIDHash), .date(now)],
                Self.challengeRecord
            )
        }
    }

    /// Throws `StoreError(.conflict)` if the session or user is unknown.
    public func insertTransactionGrant(_ grant: TransactionGrantRecord) throws {
        try withConnection { connection in
            try connection.run(
                """
                INSERT INTO transaction_grants (session_id_hash, user_id, action, transaction_hash, created_at,
                    expires_at, consumed_at)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                """,
                [
                    .blob(grant.sessionIDHash), .text(grant.userID), .text(grant.action), .text(grant.transactionHash),
                    .date(grant.createdAt), .date(grant.expiresAt), .date(grant.consumedAt),
                ]
            )
        }
    }

    /// Consumes one open, unexpired grant of this session for exactly this action and
    /// transaction, in one conditional `UPDATE`; false (changing nothing) when there is none.
    /// On PostgreSQL a racing call skips the grant being consumed (`SKIP LOCKED`) and takes
    /// another, if any, as it would after the first call on SQLite.
    public func consumeTransactionGrant(
        sessionIDHash: [UInt8],
        action: String,
        transactionHash: String,
        now: Date
    ) throws -> Bool {
        let rowID = Connection.dialect.rowID
        return try withConnection { connection in
            try connection.run(
                """
                UPDATE transaction_grants SET consumed_at = ?4
                WHERE \(rowID) = (
                    SELECT \(rowID) FROM transaction_grants
                    WHERE session_id_hash = ?1 AND action = ?2 AND transaction_hash = ?3
                        AND consumed_at IS NULL AND expires_at > ?4
                    ORDER BY created_at, \(rowID) LIMIT 1\(Connection.dialect.skipLocked)
                ) AND consumed_at IS NULL
                """,
                [.blob(sessionIDHash), .text(action), .text(transactionHash), .date(now)]
            ) == 1
        }
    }

    /// Records the one use of the transaction-bound access token `jti`; false when it was used
    /// already. Kept until `expiresAt`, when the token is worthless anyway.
    public func consumeTokenTransaction(jti: String, expiresAt: Date, now: Date) throws -> Bool {
        try withConnection { connection in
            try connection.run(
                """
                INSERT INTO consumed_token_transactions (jti, consumed_at, expires_at) VALUES (?1, ?2, ?3)
                ON CONFLICT (jti) DO NOTHING
                """,
                [.text(jti), .date(now), .date(expiresAt)]
            ) == 1
        }
    }

    static func challengeRecord(_ row: Connection.Row) throws -> ChallengeRecord {
        ChallengeRecord(
            id: try row.text(0),
            sessionIDHash: try row.blob(1),
            action: try row.text(2),
            acr: try row.text(3),
            maxAge: try row.int64OrNil(4).map { Int(clamping: $0) },
            transactionHash: try row.textOrNil(5),
            details: try row.text(6),
            returnTo: try row.text(7),
            createdAt: try row.date(8),
            expiresAt: try row.date(9),
            completedAt: try row.dateOrNil(10)
        )
    }
}
