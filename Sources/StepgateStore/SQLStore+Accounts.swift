import Foundation

// Users, their factors, clients and the per-account failure budget.
extension SQLStore {
    // MARK: Users

    /// Adds a user; throws `StoreError(.conflict)` if the name or the ID is taken.
    public func insertUser(_ user: UserRecord) throws {
        try withConnection { connection in
            try connection.run(
                """
                INSERT INTO users (id, name, password_hash, disabled, created_at)
                VALUES (?1, ?2, ?3, ?4, ?5)
                """,
                [
                    .text(user.id), .text(user.name), .text(user.passwordHash), .bool(user.disabled),
                    .date(user.createdAt),
                ]
            )
        }
    }

    /// The user with this ID, or nil.
    public func user(id: String) throws -> UserRecord? {
        try withConnection { try Self.user(id: id, on: $0) }
    }

    /// `user(id:)` on a borrowed connection, inside the caller's transaction if it has one.
    static func user(id: String, on connection: Connection) throws -> UserRecord? {
        try connection.queryFirst(
            "SELECT id, name, password_hash, disabled, created_at FROM users WHERE id = ?1",
            [.text(id)],
            Self.userRecord
        )
    }

    /// The user with exactly this name (compared byte for byte), or nil.
    public func user(name: String) throws -> UserRecord? {
        try withConnection { connection in
            try connection.queryFirst(
                "SELECT id, name, password_hash, disabled, created_at FROM users WHERE name = ?1",
                [.text(name)],
                Self.userRecord
            )
        }
    }

    /// Sets the disabled flag; returns false if there is no such user.
    public func setUserDisabled(id: String, disabled: Bool) throws -> Bool {
        try withConnection { connection in
            try connection.run("UPDATE users SET disabled = ?2 WHERE id = ?1", [.text(id), .bool(disabled)]) == 1
        }
    }

    /// Replaces the password hash; returns false if there is no such user.
    public func updatePasswordHash(userID: String, passwordHash: String) throws -> Bool {
        try withConnection { connection in
            try connection.run(
                "UPDATE users SET password_hash = ?2 WHERE id = ?1",
                [.text(userID), .text(passwordHash)]
            ) == 1
        }
    }

    private static func userRecord(_ row: Connection.Row) throws -> UserRecord {
        UserRecord(
            id: try row.text(0),
            name: try row.text(1),
            passwordHash: try row.text(2),
            disabled: try row.bool(3),
            createdAt: try row.date(4)
        )
    }

    // MARK: Factors

    /// Adds a factor; throws `StoreError(.conflict)` if the ID is taken or the user unknown.
    public func insertFactor(_ factor: FactorRecord) throws {
        try withConnection { connection in
            try connection.run(
                """
                INSERT INTO factors (id, user_id, kind, sealed_secret, last_used_step, created_at, label)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                """,
                [
                    .text(factor.id), .text(factor.userID), .text(factor.kind), .blob(factor.sealedSecret),
                    .integer(factor.lastUsedStep), .date(factor.createdAt), .text(factor.label),
                ]
            )
        }
    }

    /// The user's factors, oldest first.
    public func factors(userID: String) throws -> [FactorRecord] {
        try withConnection { connection in
            try connection.query(
                """
                SELECT id, user_id, kind, sealed_secret, last_used_step, created_at, label FROM factors
                WHERE user_id = ?1 ORDER BY created_at, id
                """,
                [.text(userID)],
                Self.factorRecord
            )
        }
    }

    /// Records `step` only if greater than the stored one; one conditional update, so of two
    /// racing calls with the same step exactly one returns true.
    public func consumeTOTPStep(factorID: String, step: Int64) throws -> Bool {
        try withConnection { connection in
            try connection.run(
                """
                UPDATE factors SET last_used_step = ?1
                WHERE id = ?2 AND (last_used_step IS NULL OR last_used_step < ?1)
                """,
                [.integer(step), .text(factorID)]
            ) == 1
        }
    }

    // MARK: Clients

    /// Adds a client; throws `StoreError(.conflict)` if the ID is taken.
    public func insertClient(_ client: ClientRecord) throws {
        let redirectURIs = try StoreCoding.jsonArray(client.redirectURIs)
        try withConnection { connection in
            try connection.run(
                """
                INSERT INTO clients (id, secret_hash, redirect_uris, created_at, requires_dpop)
                VALUES (?1, ?2, ?3, ?4, ?5)
                """,
                [
                    .text(client.id), .text(client.secretHash), .text(redirectURIs), .date(client.createdAt),
                    .integer(client.requiresDPoP ? 1 : 0),
                ]
            )
        }
    }

    /// The client with this ID, or nil.
    public func client(id: String) throws -> ClientRecord? {
        try withConnection { connection in
            try connection.queryFirst(
                "SELECT id, secret_hash, redirect_uris, created_at, requires_dpop FROM clients WHERE id = ?1",
                [.text(id)]
            ) { row in
                var client = ClientRecord(
                    id: try row.text(0),
                    secretHash: try row.textOrNil(1),
                    redirectURIs: try row.strings(2),
                    createdAt: try row.date(3)
                )
                client.requiresDPoP = try row.int64(4) == 1
                return client
            }
        }
    }

    // MARK: Per-account failure budget

    /// Failures counted for `userID` at or after `since` (whole seconds).
    public func failureCount(userID: String, since: Date) throws -> Int {
        try withConnection { try Self.failureCount(userID: userID, since: since, on: $0) }
    }

    /// `failureCount(userID:since:)` on a borrowed connection.
    static func failureCount(userID: String, since: Date, on connection: Connection) throws -> Int {
        try connection.queryFirst(
            "SELECT COUNT(*) FROM account_failures WHERE user_id = ?1 AND failed_at >= ?2",
            [.text(userID), .date(since)]
        ) { try $0.int(0) } ?? 0
    }

    /// Counts one failure; `userID` need not name an existing user.
    public func recordFailure(userID: String, at: Date) throws {
        try withConnection { connection in
            try connection.run(
                "INSERT INTO account_failures (user_id, failed_at) VALUES (?1, ?2)",
                [.text(userID), .date(at)]
            )
        }
    }

    /// Drops failures strictly older than `before` (whole seconds).
    public func pruneFailures(before: Date) throws {
        try withConnection { connection in
            try connection.run("DELETE FROM account_failures WHERE failed_at < ?1", [.date(before)])
        }
    }
}
