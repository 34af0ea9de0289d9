import Foundation

// Browser sessions with their authentication events, and the flows they start.
extension SQLStore {
    // MARK: Sessions

    /// Adds a session with its events, in one transaction.
    public func insertSession(_ session: SessionRecord) throws {
        try withConnection { connection in
            try connection.writeTransaction {
                try connection.run(
                    """
                    INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at, expires_at)
                    VALUES (?1, ?2, ?3, ?4, ?5)
                    """,
                    [
                        .blob(session.idHash), .text(session.userID), .date(session.createdAt),
                        .date(session.lastSeenAt), .date(session.expiresAt),
                    ]
                )
                for (position, event) in session.events.enumerated() {
                    try connection.run(
                        """
                        INSERT INTO session_events (session_id_hash, position, method, level, authenticated_at_ms)
                        VALUES (?1, ?2, ?3, ?4, ?5)
                        """,
                        [
                            .blob(session.idHash), .integer(Int64(position)), .text(event.method), .text(event.level),
                            .milliseconds(event.time),
                        ]
                    )
                }
            }
        }
    }

    /// The session with this ID hash and its events (oldest first, then in the order added),
    /// read from one snapshot; nil if unknown. An expired session is still returned.
    public func session(idHash: [UInt8]) throws -> SessionRecord? {
        try withConnection { connection in
            try connection.readTransaction { try Self.session(idHash: idHash, on: connection) }
        }
    }

    /// `session(idHash:)` on a borrowed connection; the caller opens the read transaction.
    static func session(idHash: [UInt8], on connection: Connection) throws -> SessionRecord? {
        guard
            var session = try connection.queryFirst(
                """
                SELECT id_hash, user_id, created_at, last_seen_at, expires_at FROM sessions
                WHERE id_hash = ?1
                """,
                [.blob(idHash)],
                { row in
                    SessionRecord(
                        idHash: try row.blob(0),
                        userID: try row.textOrNil(1),
                        createdAt: try row.date(2),
                        lastSeenAt: try row.date(3),
                        expiresAt: try row.date(4),
                        events: []
                    )
                }
            )
        else { return nil }
        session.events = try connection.query(
            """
            SELECT method, authenticated_at_ms, level FROM session_events
            WHERE session_id_hash = ?1 ORDER BY authenticated_at_ms, position
            """,
            [.blob(idHash)]
        ) { row in
            SessionEventRecord(
                method: try row.text(0),
                time: try row.dateMilliseconds(1),
                level: try row.textOrNil(2)
            )
        }
        return session
    }

    /// Appends `event` and binds the session to `userID`, in one write transaction (the
    /// conditional update locks the session row, so racing calls append one after the other).
    ///
    /// Returns false, changing nothing, if the session does not exist, belongs to another
    /// user, or has expired by `event.time` (an expired session is gone, whatever its events).
    /// Throws `StoreError(.conflict)` if `userID` names no user.
    public func recordAuthentication(sessionIDHash: [UInt8], userID: String, event: SessionEventRecord) throws -> Bool {
        try withConnection { connection in
            try connection.writeTransaction {
                let bound = try connection.run(
                    """
                    UPDATE sessions SET user_id = ?2
                    WHERE id_hash = ?1 AND (user_id IS NULL OR user_id = ?2) AND expires_at > ?3
                    """,
                    [.blob(sessionIDHash), .text(userID), .date(event.time)]
                )
                guard bound == 1 else { return false }
                try connection.run(
                    """
                    INSERT INTO session_events (session_id_hash, position, method, level, authenticated_at_ms)
                    VALUES (
                        ?1,
                        (SELECT COALESCE(MAX(position), -1) + 1 FROM session_events WHERE session_id_hash = ?1),
                        ?2,
                        ?4,
                        ?3
                    )
                    """,
                    [.blob(sessionIDHash), .text(event.method), .milliseconds(event.time), .text(event.level)]
                )
                return true
            }
        }
    }

    /// Sets the session's last-seen time; does nothing if the session is unknown.
    public func touchSession(idHash: [UInt8], lastSeenAt: Date) throws {
        try withConnection { connection in
            try connection.run(
                "UPDATE sessions SET last_seen_at = ?2 WHERE id_hash = ?1",
                [.blob(idHash), .date(lastSeenAt)]
            )
        }
    }

    /// Rotates the session ID in one write transaction: copy the row under the new hash, move the
    /// events and flows to it, delete the old row.
    public func rotateSession(from oldHash: [UInt8], to newHash: [UInt8], lastSeenAt: Date) throws -> Bool {
        try withConnection { connection in
            try connection.writeTransaction {
                try Self.rotateSession(from: oldHash, to: newHash, lastSeenAt: lastSeenAt, on: connection)
            }
        }
    }

    /// `rotateSession` on a borrowed connection; the caller opens the write transaction.
    static func rotateSession(
        from oldHash: [UInt8],
        to newHash: [UInt8],
        lastSeenAt: Date,
        on connection: Connection
    )
        throws -> Bool
    {
        // Lock the old session first: a racing rotation waits, then finds it gone.
        guard try lockRows("SELECT 1 FROM sessions WHERE id_hash = ?1", [.blob(oldHash)], on: connection)
        else { return false }
        let copied = try connection.run(
            """
            INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at, expires_at)
            SELECT ?2, user_id, created_at, ?3, expires_at FROM sessions WHERE id_hash = ?1
            """,
            [.blob(oldHash), .blob(newHash), .date(lastSeenAt)]
        )
        guard copied == 1 else { return false }
        try connection.run(
            "UPDATE session_events SET session_id_hash = ?2 WHERE session_id_hash = ?1",
            [.blob(oldHash), .blob(newHash)]
        )
        for table in [
            "flows", "stepup_challenges", "transaction_grants", "webauthn_ceremonies", "one_time_codes",
        ] {
            try connection.run(
                "UPDATE \(table) SET session_id_hash = ?2 WHERE session_id_hash = ?1",
                [.blob(oldHash), .blob(newHash)]
            )
        }
        try connection.run("DELETE FROM sessions WHERE id_hash = ?1", [.blob(oldHash)])
        return true
    }

    /// Deletes the session with its events and every flow it started.
    public func deleteSession(idHash: [UInt8]) throws {
        try withConnection { connection in
            try connection.run("DELETE FROM sessions WHERE id_hash = ?1", [.blob(idHash)])
        }
    }

    // MARK: Flows

    /// Adds a flow; throws `StoreError(.conflict)` if the ID is taken or its session unknown.
    public func insertFlow(_ flow: FlowRecord) throws {
        try withConnection { connection in
            try connection.run(
                """
                INSERT INTO flows
                    (id, session_id_hash, request, user_id, attempts, created_at, expires_at, completed_at)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                """,
                [
                    .text(flow.id), .blob(flow.sessionIDHash), .text(flow.request), .text(flow.userID),
                    .integer(Int64(flow.attempts)), .date(flow.createdAt), .date(flow.expiresAt),
                    .date(flow.completedAt),
                ]
            )
        }
    }

    /// The flow with this ID, or nil. Expired and completed flows are returned too.
    public func flow(id: String) throws -> FlowRecord? {
        try withConnection { connection in
            try connection.queryFirst(
                """
                SELECT id, session_id_hash, request, user_id, attempts, created_at, expires_at, completed_at
                FROM flows WHERE id = ?1
                """,
                [.text(id)]
            ) { row in
                FlowRecord(
                    id: try row.text(0),
                    sessionIDHash: try row.blob(1),
                    request: try row.text(2),
                    userID: try row.textOrNil(3),
                    attempts: try row.int(4),
                    createdAt: try row.date(5),
                    expiresAt: try row.date(6),
                    completedAt: try row.dateOrNil(7)
                )
            }
        }
    }

    /// Sets the flow's user when it is nil or already equal, and the flow is not completed;
    /// false otherwise. Expiry is not checked here (no time is given): callers check it.
    public func setFlowUser(id: String, userID: String) throws -> Bool {
        try withConnection { connection in
            try connection.run(
                """
                UPDATE flows SET user_id = ?2
                WHERE id = ?1 AND completed_at IS NULL AND (user_id IS NULL OR user_id = ?2)
                """,
                [.text(id), .text(userID)]
            ) == 1
        }
    }

    /// Counts one failed answer in one conditional update; nil when the flow is unknown,
    /// completed, expired at `now`, or already at `limit`.
    public func recordFlowFailure(id: String, limit: Int, now: Date) throws -> Int? {
        try withConnection { connection in
            try connection.queryFirst(
                """
                UPDATE flows SET attempts = attempts + 1
                WHERE id = ?1 AND completed_at IS NULL AND expires_at > ?2 AND attempts < ?3
                RETURNING attempts
                """,
                [.text(id), .date(now), .integer(Int64(limit))]
            ) { try $0.int(0) }
        }
    }

    /// Resets the attempt count of an open flow in one conditional update.
    public func resetFlowAttempts(id: String) throws -> Bool {
        try withConnection { connection in
            try connection.run(
                "UPDATE flows SET attempts = 0 WHERE id = ?1 AND completed_at IS NULL",
                [.text(id)]
            ) == 1
        }
    }

    /// Completes the flow in one conditional update, only if open, unexpired at `now` and still
    /// bound to `sessionIDHash` (which `rotateSession` moves in the same transaction as the
    /// session).
    public func completeFlow(id: String, sessionIDHash: [UInt8], now: Date) throws -> Bool {
        try withConnection { connection in
            try connection.run(
                """
                UPDATE flows SET completed_at = ?2
                WHERE id = ?1 AND completed_at IS NULL AND expires_at > ?2 AND session_id_hash = ?3
                """,
                [.text(id), .date(now), .blob(sessionIDHash)]
            ) == 1
        }
    }

    /// Completes the flow in one conditional update, only if open and unexpired at `now`.
    public func completeFlow(id: String, now: Date) throws -> Bool {
        try withConnection { connection in
            try connection.run(
                """
                UPDATE flows SET completed_at = ?2
                WHERE id = ?1 AND completed_at IS NULL AND expires_at > ?2
                """,
                [.text(id), .date(now)]
            ) == 1
        }
    }
}
