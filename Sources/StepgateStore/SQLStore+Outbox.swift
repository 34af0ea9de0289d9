import Foundation

// The outbox of messages to users: enqueued by request handlers, leased and settled by the
// delivery worker (docs/delivery.md).
// Sent and failed rows lose their payloads at once and go a week later (`pruneHistory`).
extension SQLStore {
    /// Throws `StoreError(.conflict)` if the ID is taken.
    public func insertOutboxMessage(_ message: OutboxRecord) throws {
        try withConnection { connection in
            try connection.run(
                """
                INSERT INTO outbox (id, channel, purpose, sealed_payload, state, attempts, next_attempt_at,
                    lease_token, lease_until, created_at, sent_at, last_error)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
                """,
                [
                    .text(message.id), .text(message.channel), .text(message.purpose),
                    message.sealedPayload.map { .blob($0) } ?? .null, .text(message.state.rawValue),
                    .integer(Int64(message.attempts)), .date(message.nextAttemptAt), .text(message.leaseToken),
                    .date(message.leaseUntil), .date(message.createdAt), .date(message.sentAt),
                    .text(message.lastError),
                ]
            )
        }
    }

    /// The message in any state, or nil; a plain read.
    public func outboxMessage(id: String) throws -> OutboxRecord? {
        try withConnection { connection in
            try connection.queryFirst(
                "SELECT \(StoreSQL.outboxColumns) FROM outbox WHERE id = ?1",
                [.text(id)],
                Self.outboxRecord
            )
        }
    }

    /// Selects and leases the due messages in one statement (`claimSQL`), so the selection and
    /// the lease are one atomic step.
    public func claimOutboxMessages(
        limit: Int,
        now: Date,
        leaseToken: String,
        leaseUntil: Date
    ) throws -> [OutboxRecord] {
        guard limit > 0 else { return [] }
        let claimed = try withConnection { connection in
            try connection.query(
                Self.claimSQL,
                [.text(leaseToken), .date(leaseUntil), .date(now), .integer(Int64(limit))],
                Self.outboxRecord
            )
        }
        // RETURNING yields rows in no promised order.
        return claimed.sorted { ($0.nextAttemptAt, $0.createdAt, $0.id) < ($1.nextAttemptAt, $1.createdAt, $1.id) }
    }

    /// SQLite: one `UPDATE … WHERE id IN (SELECT … LIMIT n) RETURNING`, run under the database
    /// write lock. PostgreSQL: a CTE selects and locks up to `n` due rows, skipping rows another
    /// worker is claiming (a CTE runs once, whereas a subquery in `IN (…)` may be rescanned and
    /// overrun the limit); `UPDATE … FROM` leases them, checking the due conditions again on
    /// each locked row, so a row leased meanwhile is never leased twice.
    private static var claimSQL: String {
        switch Connection.dialect {
        case .sqlite:
            return """
                UPDATE outbox SET lease_token = ?1, lease_until = ?2
                WHERE id IN (
                    SELECT id FROM outbox
                    WHERE state = 'pending' AND next_attempt_at <= ?3 AND (lease_until IS NULL OR lease_until <= ?3)
                    ORDER BY next_attempt_at, created_at, id LIMIT ?4
                )
                RETURNING \(StoreSQL.outboxColumns)
                """
        case .postgres:
            return """
                WITH due AS (
                    SELECT id AS due_id FROM outbox
                    WHERE state = 'pending' AND next_attempt_at <= ?3 AND (lease_until IS NULL OR lease_until <= ?3)
                    ORDER BY next_attempt_at, created_at, id LIMIT ?4
                    FOR UPDATE SKIP LOCKED
                )
                UPDATE outbox SET lease_token = ?1, lease_until = ?2
                FROM due
                WHERE id = due_id
                    AND state = 'pending' AND next_attempt_at <= ?3 AND (lease_until IS NULL OR lease_until <= ?3)
                RETURNING \(StoreSQL.outboxColumns)
                """
        }
    }

    public func markOutboxSent(id: String, leaseToken: String, at: Date) throws -> Bool {
        try withConnection { connection in
            try connection.run(
                """
                UPDATE outbox SET state = 'sent', sent_at = ?3, sealed_payload = NULL, lease_token = NULL,
                    lease_until = NULL
                WHERE id = ?1 AND state = 'pending' AND lease_token = ?2
                """,
                [.text(id), .text(leaseToken), .date(at)]
            ) == 1
        }
    }

    public func rescheduleOutboxMessage(
        id: String,
        leaseToken: String,
        nextAttemptAt: Date,
        error: String
    ) throws -> Bool {
        try withConnection { connection in
            try connection.run(
                """
                UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?3, last_error = ?4, lease_token = NULL,
                    lease_until = NULL
                WHERE id = ?1 AND state = 'pending' AND lease_token = ?2
                """,
                [.text(id), .text(leaseToken), .date(nextAttemptAt), .text(error)]
            ) == 1
        }
    }

    public func markOutboxFailed(id: String, leaseToken: String, error: String) throws -> Bool {
        try withConnection { connection in
            try connection.run(
                """
                UPDATE outbox SET state = 'failed', attempts = attempts + 1, last_error = ?3, sealed_payload = NULL,
                    lease_token = NULL, lease_until = NULL
                WHERE id = ?1 AND state = 'pending' AND lease_token = ?2
                """,
                [.text(id), .text(leaseToken), .text(error)]
            ) == 1
        }
    }

    public func outboxCounts() throws -> OutboxCounts {
        let rows = try withConnection { connection in
            try connection.query("SELECT state, COUNT(*) FROM outbox GROUP BY state") {
                (try $0.text(0), try $0.int(1))
            }
        }
        var counts = OutboxCounts()
        for (state, count) in rows {
            switch OutboxState(rawValue: state) {
            case .pending: counts.pending = count
            case .sent: counts.sent = count
            case .failed: counts.failed = count
            case nil: throw StoreError(.corrupt, "outbox state is not pending, sent or failed")
            }
        }
        return counts
    }

    static func outboxRecord(_ row: Connection.Row) throws -> OutboxRecord {
        guard let state = OutboxState(rawValue: try row.text(4)) else {
            throw StoreError(.corrupt, "column 4 is not an outbox state")
        }
        var record = OutboxRecord(
            id: try row.text(0),
            channel: try row.text(1),
            purpose: try row.text(2),
            sealedPayload: [],
            nextAttemptAt: try row.date(6),
            createdAt: try row.date(9)
        )
        record.sealedPayload = try row.blobOrNil(3)
        record.state = state
        record.attempts = try row.int(5)
        record.leaseToken = try row.textOrNil(7)
        record.leaseUntil = try row.dateOrNil(8)
        record.sentAt = try row.dateOrNil(10)
        record.lastError = try row.textOrNil(11)
        return record
    }
}
