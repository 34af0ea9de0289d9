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
            deleted += try withConnection { connection in
                try connection.run(
                    "DELETE FROM \(table) WHERE \(key) IN (SELECT \(key) FROM \(table) WHERE expires_at < ?1 LIMIT ?2)",
                    [.date(cutoff), .integer(Int64(limit))]
                )
            }
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
        let row = Connection.dialect.rowID
        var deleted = try withConnection { connection in
            try connection.run(
                """
                DELETE FROM risk_devices WHERE (user_id, device_id_hash) IN (
                    SELECT user_id, device_id_hash FROM risk_devices WHERE first_seen_at < ?1 LIMIT ?2
                )
                """,
                [.date(horizon.devicesFirstSeenBefore), .integer(Int64(limit))]
            )
        }
        deleted += try withConnection { connection in
            try connection.run(
                "DELETE FROM risk_actions WHERE \(row) IN (SELECT \(row) FROM risk_actions WHERE at < ?1 LIMIT ?2)",
                [.date(horizon.actionsBefore), .integer(Int64(limit))]
            )
        }
        deleted += try withConnection { connection in
            try connection.run(
                """
                DELETE FROM outbox WHERE id IN (
                    SELECT id FROM outbox WHERE state IN ('sent', 'failed') AND created_at < ?1 LIMIT ?2
                )
                """,
                [.date(horizon.messagesBefore), .integer(Int64(limit))]
            )
        }
        return deleted
    }
}
