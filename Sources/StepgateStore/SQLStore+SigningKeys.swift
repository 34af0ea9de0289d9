import Foundation

extension SQLStore {
    /// Adds a signing key as it is given (current or retired); throws `StoreError(.conflict)` if
    /// the `kid` is taken.
    public func insertSigningKey(_ key: SigningKeyRecord) throws {
        try withConnection { connection in
            try Self.insertSigningKey(key, on: connection)
        }
    }

    /// Makes `key` the current signing key: adds it and retires, at its creation time, every
    /// other key not yet retired, in one transaction under the signing-key lock. Two rotations
    /// on two nodes run one after the other, so exactly one key is current afterwards.
    public func rotateSigningKey(to key: SigningKeyRecord) throws {
        try withConnection { connection in
            try connection.writeTransaction {
                try Self.lockSigningKeys(on: connection)
                try Self.insertSigningKey(key, on: connection)
                try Self.retireSigningKeys(except: key.kid, at: key.createdAt, on: connection)
            }
        }
    }

    /// Adds `key` when there is no signing key at all, and returns true; returns false and adds
    /// nothing when there is one. Under the signing-key lock: of nodes that start at once on an
    /// empty database, one creates the first key and the others load it.
    public func insertFirstSigningKey(_ key: SigningKeyRecord) throws -> Bool {
        try withConnection { connection in
            try connection.writeTransaction {
                try Self.lockSigningKeys(on: connection)
                let existing = try connection.queryFirst("SELECT kid FROM signing_keys LIMIT 1") { _ in true }
                guard existing == nil else { return false }
                try Self.insertSigningKey(key, on: connection)
                return true
            }
        }
    }

    /// All keys, newest first; keys created in the same second are ordered by `kid`, descending.
    public func signingKeys() throws -> [SigningKeyRecord] {
        try withConnection { connection in
            try connection.query(
                """
                SELECT kid, sealed_private_key, created_at, retired_at FROM signing_keys
                ORDER BY created_at DESC, kid DESC
                """
            ) { row in
                SigningKeyRecord(
                    kid: try row.text(0),
                    sealedPrivateKey: try row.blob(1),
                    createdAt: try row.date(2),
                    retiredAt: try row.dateOrNil(3)
                )
            }
        }
    }

    /// Retires, at `at`, every key but `kid` that is not yet retired; retired keys keep their
    /// first retirement time.
    public func retireSigningKeys(except kid: String, at: Date) throws {
        try withConnection { connection in
            try Self.retireSigningKeys(except: kid, at: at, on: connection)
        }
    }

    private static func insertSigningKey(_ key: SigningKeyRecord, on connection: Connection) throws {
        try connection.run(
            "INSERT INTO signing_keys (kid, sealed_private_key, created_at, retired_at) VALUES (?1, ?2, ?3, ?4)",
            [.text(key.kid), .blob(key.sealedPrivateKey), .date(key.createdAt), .date(key.retiredAt)]
        )
    }

    private static func retireSigningKeys(except kid: String, at: Date, on connection: Connection) throws {
        try connection.run(
            "UPDATE signing_keys SET retired_at = ?2 WHERE kid <> ?1 AND retired_at IS NULL",
            [.text(kid), .date(at)]
        )
    }

    /// Inside a write transaction: waits for, then holds until the transaction ends, the lock
    /// that orders changes to the key table across nodes. Nothing on SQLite, whose write
    /// transactions hold the database's one write lock from their start.
    private static func lockSigningKeys(on connection: Connection) throws {
        guard let lock = Connection.dialect.signingKeyLock else { return }
        try connection.run(lock)
    }
}
