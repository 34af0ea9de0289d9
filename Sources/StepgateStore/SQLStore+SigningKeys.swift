public import Foundation

extension SQLStore {
    /// Adds a signing key; throws `StoreError(.conflict)` if the `kid` is taken.
    public func insertSigningKey(_ key: SigningKeyRecord) throws {
        try withConnection { connection in
            try connection.run(
                "INSERT INTO signing_keys (kid, sealed_private_key, created_at, retired_at) VALUES (?1, ?2, ?3, ?4)",
                [.text(key.kid), .blob(key.sealedPrivateKey), .date(key.createdAt), .date(key.retiredAt)]
            )
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
            try connection.run(
                "UPDATE signing_keys SET retired_at = ?2 WHERE kid <> ?1 AND retired_at IS NULL",
                [.text(kid), .date(at)]
            )
        }
    }
}
