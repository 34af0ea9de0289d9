import Foundation

// A password change and everything it ends, in one write transaction.
extension SQLStore {
    /// Applies `change` in one write transaction; see `Store.changePassword`.
    ///
    /// Every condition is checked before the first write, so a refusal leaves the database as it
    /// was. A kept session whose new ID hash is taken throws `StoreError(.conflict)`, rolled back.
    public func changePassword(_ change: PasswordChange) throws -> PasswordChangeResult? {
        try withConnection { connection in
            try connection.writeTransaction {
                // Lock the user's row first: a racing change waits, then finds the hash changed.
                guard
                    try Self.lockRows("SELECT 1 FROM users WHERE id = ?1", [.text(change.userID)], on: connection)
                else { return nil }
                if let kept = change.keptSession {
                    let owner = try Self.session(idHash: kept.idHash, on: connection)?.userID
                    guard owner == change.userID else { return nil }
                }
                let updated = try connection.run(
                    "UPDATE users SET password_hash = ?3 WHERE id = ?1 AND password_hash = ?2",
                    [.text(change.userID), .text(change.expectedHash), .text(change.newHash)]
                )
                guard updated == 1 else { return nil }
                let ended: Int
                if let kept = change.keptSession {
                    ended = try connection.run(
                        "DELETE FROM sessions WHERE user_id = ?1 AND id_hash <> ?2",
                        [.text(change.userID), .blob(kept.idHash)]
                    )
                } else {
                    ended = try connection.run("DELETE FROM sessions WHERE user_id = ?1", [.text(change.userID)])
                }
                // Known gap: this takes no refresh-family lock (`insertRefreshToken`), so on
                // PostgreSQL a refresh rotated on another node at this very moment can store its
                // new token after this update, unrevoked.
                let revoked = try connection.run(
                    "UPDATE refresh_tokens SET revoked_at = ?2 WHERE user_id = ?1 AND revoked_at IS NULL",
                    [.text(change.userID), .date(change.at)]
                )
                if let kept = change.keptSession {
                    let moved = try Self.rotateSession(
                        from: kept.idHash,
                        to: kept.newIDHash,
                        lastSeenAt: change.at,
                        on: connection
                    )
                    guard moved else { throw StoreError(.corrupt, "kept session vanished in its own transaction") }
                }
                return PasswordChangeResult(sessionsEnded: ended, refreshTokensRevoked: revoked)
            }
        }
    }
}
