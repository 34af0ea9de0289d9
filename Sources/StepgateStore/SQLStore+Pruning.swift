import Foundation

// Deleting expired rows and history no check reads any more, in bounded batches
// (`Store.pruneExpired`, `Store.pruneHistory`).
extension SQLStore {
    /// The tables pruned by their own `expires_at`, each with the column that names a row;
    /// `sessions` first, so that its cascade takes what hangs off an expired session.
    private static var expiringTables: [(table: String, key: String)] {
        [
            ("sessions", "id_hash"),
            ("flows", "id"),
            ("authorization_codes", "code_hash"),
            ("stepup_challenges", "id"),
            ("transaction_grants", Connection.dialect.rowID),
            ("webauthn_ceremonies", "id"),
            ("one_time_codes", "id"),
            ("revoked_access_tokens", "jti"),
            ("consumed_token_transactions", "jti"),
            ("dpop_proofs", "jti_hash"),
        ]
    }

    public func pruneExpired(before cutoff: Date, limit: Int) throws -> Int {
        guard limit > 0 else { return 0 }
        var deleted = 0
        for (table, key) in Self.expiringTables {
            deleted += try deleteBatch(from: table, key: key, where: "expires_at < ?1", cutoff, limit: limit)
        }
        // A whole family at once, when no token of it is still valid: a rotated token that
        // comes back while the family lives must still find its row and revoke the family.
        deleted += try withConnection { connection in
            try connection.run(
                """
                DELETE FROM refresh_tokens WHERE token_hash IN (
                    SELECT expired.token_hash FROM refresh_tokens expired
                    WHERE expired.expires_at < ?1 AND NOT EXISTS (
                        SELECT 1 FROM refresh_tokens live
                        WHERE live.family_id = expired.family_id AND live.expires_at >= ?1
                    )
                    LIMIT ?2
                )
                """,
                [.date(cutoff), .integer(Int64(limit))]
            )
        }
        return deleted
    }

    public func pruneHistory(_ horizon: HistoryHorizon, limit: Int) throws -> Int {
        guard limit > 0 else { return 0 }
        return try deleteBatch(
            from: "risk_devices",
            key: "user_id, device_id_hash",
            where: "first_seen_at < ?1",
            horizon.devicesFirstSeenBefore,
            limit: limit
        )
            + deleteBatch(
                from: "risk_actions",
                key: Connection.dialect.rowID,
                where: "at < ?1",
                horizon.actionsBefore,
                limit: limit
            )
            + deleteBatch(
                from: "outbox",
                key: "id",
                where: "state IN ('sent', 'failed') AND created_at < ?1",
                horizon.messagesBefore,
                limit: limit
            )
    }

    /// Deletes at most `limit` rows of `table` that meet `condition` (whose `?1` is `cutoff`),
    /// naming the rows by `key` (one column, or several separated by commas); one statement.
    private func deleteBatch(
        from table: String,
        key: String,
        where condition: String,
        _ cutoff: Date,
        limit: Int
    ) throws -> Int {
        try withConnection { connection in
            try connection.run(
                "DELETE FROM \(table) WHERE (\(key)) IN (SELECT \(key) FROM \(table) WHERE \(condition) LIMIT ?2)",
                [.date(cutoff), .integer(Int64(limit))]
            )
        }
    }
}
