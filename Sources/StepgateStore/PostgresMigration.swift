import Foundation

/// One numbered schema change of the PostgreSQL store; versions match the SQLite store's.
struct PostgresMigration: Sendable {
    let version: Int64
    /// Constant DDL text; several statements allowed, no values.
    let sql: String

    /// Every migration this program knows, in ascending version order. Append only: a shipped
    /// migration is never edited.
    static let all: [PostgresMigration] = [
        PostgresMigration(version: 1, sql: PostgresSchema.version1),
        PostgresMigration(version: 2, sql: PostgresSchema.version2),
        PostgresMigration(version: 3, sql: PostgresSchema.version3),
        PostgresMigration(version: 4, sql: PostgresSchema.version4),
        PostgresMigration(version: 5, sql: PostgresSchema.version5),
        PostgresMigration(version: 6, sql: PostgresSchema.version6),
        PostgresMigration(version: 7, sql: PostgresSchema.version7),
        PostgresMigration(version: 8, sql: PostgresSchema.version8),
        PostgresMigration(version: 9, sql: PostgresSchema.version9),
        PostgresMigration(version: 10, sql: PostgresSchema.version10),
        PostgresMigration(version: 11, sql: PostgresSchema.version11),
    ]

    /// The first key of the advisory lock that serialises migrations (the second is a hash of
    /// the schema name, so stores in different schemas of one database do not wait for each
    /// other). Arbitrary and fixed: the ASCII of "Stpg".
    static let lockKey: Int64 = 0x5374_7067
}

extension PostgresConnection {
    /// Brings the schema up to the last of `migrations`, all in one transaction that holds a
    /// transaction-level advisory lock: of two nodes starting at once, one migrates and the
    /// other waits, then finds nothing left to do.
    ///
    /// Each migration whose version is not yet recorded runs, in ascending order (versions need
    /// not be contiguous). Throws `StoreError(.migration)` when the database is newer than the
    /// last migration known, or when a migration's SQL fails (then nothing is applied).
    func migrate(_ migrations: [PostgresMigration], now: Date) throws {
        let versions = migrations.map(\.version)
        precondition(
            versions == versions.sorted() && Set(versions).count == versions.count,
            "migrations must have unique, ascending versions"
        )
        let latest = versions.last ?? 0
        try writeTransaction {
            try run(
                "SELECT pg_advisory_xact_lock($1::integer, hashtext(COALESCE(current_schema(), '')))",
                [.integer(PostgresMigration.lockKey)]
            )
            try execute(
                """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version BIGINT PRIMARY KEY,
                    applied_at BIGINT NOT NULL
                )
                """,
                "create schema_migrations"
            )
            let applied = Set(try appliedMigrations())
            guard (applied.max() ?? 0) <= latest else {
                throw StoreError(.migration, "database schema version is newer than this program knows")
            }
            for migration in migrations where !applied.contains(migration.version) {
                do {
                    try execute(migration.sql, "apply migration \(migration.version)")
                } catch let error as StoreError {
                    throw StoreError(.migration, error.detail, engineCode: error.engineCode)
                }
                try run(
                    "INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)",
                    [.integer(migration.version), .date(now)]
                )
            }
        }
    }

    /// The versions applied so far, ascending.
    func appliedMigrations() throws -> [Int64] {
        try query("SELECT version FROM schema_migrations ORDER BY version") { try $0.int64(0) }
    }
}
