import StepgateCore

// The audit log: append-only, hash-chained records (see `AuditChain` and docs/audit.md).
extension SQLStore {
    /// Appends `records` in one write transaction after checking that they continue the stored
    /// last record and that every hash matches.
    ///
    /// Throws `StoreError(.conflict)` and stores nothing when they do not. On SQLite the check
    /// runs under the write lock; on PostgreSQL two writers may read the same last record, and
    /// then the primary key on `seq` lets one commit and refuses the other (a conflict), so the
    /// chain never forks either way.
    public func appendAudit(_ records: [AuditRecord]) throws {
        guard !records.isEmpty else { return }
        try withConnection { connection in
            try connection.writeTransaction {
                let last = try connection.queryFirst(
                    "SELECT seq, hash FROM audit_records ORDER BY seq DESC LIMIT 1"
                ) { (try $0.int64(0), try $0.text(1)) }
                var sequence = last?.0 ?? 0
                var previousHash = last?.1 ?? AuditChain.genesis
                for record in records {
                    guard record.sequence == sequence + 1, record.previousHash == previousHash else {
                        throw StoreError(.conflict, "audit records do not continue the stored chain")
                    }
                    guard AuditChain.hash(record) == record.hash else {
                        throw StoreError(.conflict, "audit record hash does not match its content")
                    }
                    try connection.run(
                        """
                        INSERT INTO audit_records (seq, time_ms, kind, fields, prev_hash, hash)
                        VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                        """,
                        [
                            .integer(record.sequence), .integer(record.timeMilliseconds), .text(record.kind),
                            .text(record.fieldsJSON), .text(record.previousHash), .text(record.hash),
                        ]
                    )
                    sequence = record.sequence
                    previousHash = record.hash
                }
            }
        }
    }

    /// Up to `limit` records numbered above `after`, ascending; a negative limit reads none.
    public func auditRecords(after: Int64, limit: Int) throws -> [AuditRecord] {
        guard limit > 0 else { return [] }
        return try withConnection { connection in
            try connection.query(
                """
                SELECT seq, time_ms, kind, fields, prev_hash, hash FROM audit_records
                WHERE seq > ?1 ORDER BY seq LIMIT ?2
                """,
                [.integer(after), .integer(Int64(limit))],
                Self.auditRecord
            )
        }
    }

    /// The last `count` records, ascending.
    public func lastAuditRecords(count: Int) throws -> [AuditRecord] {
        guard count > 0 else { return [] }
        return try withConnection { connection in
            try connection.query(
                """
                SELECT seq, time_ms, kind, fields, prev_hash, hash FROM audit_records
                ORDER BY seq DESC LIMIT ?1
                """,
                [.integer(Int64(count))],
                Self.auditRecord
            ).reversed()
        }
    }

    /// The record with the highest number, or nil.
    public func lastAuditRecord() throws -> AuditRecord? {
        try lastAuditRecords(count: 1).first
    }

    /// Reads one row; any column that does not decode throws `.corrupt` naming the record's
    /// number (the primary key is always an integer), never a stored value.
    private static func auditRecord(_ row: Connection.Row) throws -> AuditRecord {
        let sequence = try row.int64(0)
        do {
            guard let fields = AuditRecord.fields(json: try row.text(3)) else {
                throw StoreError(.corrupt, "fields are not a JSON object of strings")
            }
            return AuditRecord(
                sequence: sequence,
                timeMilliseconds: try row.int64(1),
                kind: try row.text(2),
                fields: fields,
                previousHash: try row.text(4),
                hash: try row.text(5)
            )
        } catch let error as StoreError {
            throw StoreError(.corrupt, "audit record \(sequence): \(error.detail)", auditSequence: sequence)
        }
    }
}
