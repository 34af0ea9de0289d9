import Foundation

/// One numbered schema change, applied once, in its own transaction.
struct SQLiteMigration: Sendable {
    let version: Int64
    /// Constant DDL text; several statements allowed, no values.
    let sql: String

    /// Every migration this program knows, in ascending version order. Append only: a shipped
    /// migration is never edited.
    static let all: [SQLiteMigration] = [
        SQLiteMigration(version: 1, sql: SQLiteSchema.version1),
        SQLiteMigration(version: 2, sql: SQLiteSchema.version2),
        SQLiteMigration(version: 3, sql: SQLiteSchema.version3),
        SQLiteMigration(version: 4, sql: SQLiteSchema.version4),
        SQLiteMigration(version: 5, sql: SQLiteSchema.version5),
        SQLiteMigration(version: 6, sql: SQLiteSchema.version6),
        SQLiteMigration(version: 7, sql: SQLiteSchema.version7),
        SQLiteMigration(version: 8, sql: SQLiteSchema.version8),
        SQLiteMigration(version: 9, sql: SQLiteSchema.version9),
        SQLiteMigration(version: 10, sql: SQLiteSchema.version10),
        SQLiteMigration(version: 11, sql: SQLiteSchema.version11),
    ]
}

extension SQLiteConnection {
    /// Brings the schema up to the last of `migrations`.
    ///
    /// Each migration whose version is not yet recorded runs, in ascending order, even when a
    /// higher version already ran: versions need not be contiguous, and a lower version that
    /// arrives in a later release than a higher one (two changes developed side by side) is
    /// still applied. Throws `StoreError(.migration)` when the database is newer than the last migration
    /// known, or when a migration's SQL fails (that migration is rolled back entirely).
    func migrate(_ migrations: [SQLiteMigration], now: Date) throws {
        let versions = migrations.map(\.version)
        precondition(
            versions == versions.sorted() && Set(versions).count == versions.count,
            "migrations must have unique, ascending versions"
        )
        try execute(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version INTEGER PRIMARY KEY,
                applied_at INTEGER NOT NULL
            )
            """,
            "create schema_migrations"
        )
        let latest = versions.last ?? 0
        _ = try readTransaction { try checkNotNewer(than: latest) }
        for migration in migrations {
            try writeTransaction {
                // Read again under the write lock: another process may have migrated meanwhile.
                try checkNotNewer(than: latest)
                let applied = try queryFirst(
                    "SELECT COUNT(*) FROM schema_migrations WHERE version = ?1",
                    [.integer(migration.version)]
                ) { try $0.int64(0) }
                guard applied == 0 else { return }
                do {
                    try execute(migration.sql, "apply migration \(migration.version)")
                } catch let error as StoreError {
                    throw StoreError(.migration, error.detail, engineCode: error.engineCode)
                }
                try run(
                    "INSERT INTO schema_migrations (version, applied_at) VALUES (?1, ?2)",
                    [.integer(migration.version), .date(now)]
                )
            }
        }
    }

    /// The versions applied so far, ascending.
    func appliedMigrations() throws -> [Int64] {
        try query("SELECT version FROM schema_migrations ORDER BY version") { try $0.int64(0) }
    }

    @discardableResult
    private func checkNotNewer(than latest: Int64) throws -> Int64 {
        let current =
            try queryFirst("SELECT COALESCE(MAX(version), 0) FROM schema_migrations") {
                try $0.int64(0)
            } ?? 0
        guard current <= latest else {
            throw StoreError(.migration, "database schema version is newer than this program knows")
        }
        return current
    }
}
