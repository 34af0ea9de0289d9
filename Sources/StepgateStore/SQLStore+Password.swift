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
                // A code's redemption or a refresh racing this change holds the user's row
                // (`holdUserForIssuance`): it committed before the lock above was granted, and
                // its tokens are revoked here, or it waits and finds its code or token gone.
                let revoked = try connection.run(
                    "UPDATE refresh_tokens SET revoked_at = ?2 WHERE user_id = ?1 AND revoked_at IS NULL",
                    [.text(change.userID), .date(change.at)]
                )
                try Self.revokeIssuedAccessTokens(of: "user_id", change.userID, at: change.at, on: connection)
                // Codes issued before the change (to a session it ended, perhaps) buy nothing.
                try connection.run(
                    "DELETE FROM authorization_codes WHERE user_id = ?1 AND consumed_at IS NULL",
                    [.text(change.userID)]
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
