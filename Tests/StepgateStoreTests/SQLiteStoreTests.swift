import Foundation
import Testing

@testable import StepgateStore

/// What only the SQLite store shows: its file, migrations, rounding, dump and pool.
struct SQLiteStoreTests {
    @Test
    func init_createsFilesReadableByOwnerOnly() throws {
        let fixture = try StoreFixture(.sqlite)
        try fixture.store.insertUser(Sample.user())
        let path = StoreFixture.databasePath(in: fixture.directory)

        for file in [path, path + "-wal", path + "-shm"] {
            let attributes = try FileManager.default.attributesOfItem(atPath: file)
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600, "\(file)")
        }
    }

    @Test
    func init_reopeningKeepsDataWithoutRerunningMigrations() throws {
        let fixture = try StoreFixture(.sqlite)
        try fixture.store.insertUser(Sample.user())
        let before = try #require(fixture.sqlite).stateDump()
        fixture.sqlite?.close()

        // Migration 1 uses plain CREATE TABLE: running it again would fail.
        let reopened = try SQLiteStore(path: StoreFixture.databasePath(in: fixture.directory))
        defer { reopened.close() }

        #expect(try reopened.user(id: "user-1") == Sample.user())
        #expect(try reopened.appliedMigrations() == Self.shipped)
        #expect(try reopened.stateDump() == before)
    }

    @Test
    func init_appliesOnlyNewMigrations() throws {
        let fixture = try StoreFixture(.sqlite)
        try fixture.store.insertUser(Sample.user())
        fixture.sqlite?.close()
        let path = StoreFixture.databasePath(in: fixture.directory)

        let upgraded = try SQLiteStore(path: path, poolSize: 1, migrations: Self.withNextVersion, now: Sample.now)
        defer { upgraded.close() }

        #expect(try upgraded.appliedMigrations() == Self.shipped + [Self.next])
        #expect(try upgraded.user(id: "user-1") == Sample.user())
    }

    @Test
    func init_appliesALowerVersionThatArrivesAfterAHigherOne() throws {
        let fixture = try StoreFixture(.sqlite)
        fixture.sqlite?.close()
        let path = StoreFixture.databasePath(in: fixture.directory)
        let skip = SQLiteMigration(version: Self.next + 1, sql: "CREATE TABLE second_addition (x INTEGER);")
        try SQLiteStore(path: path, poolSize: 1, migrations: SQLiteMigration.all + [skip], now: Sample.now).close()

        let upgraded = try SQLiteStore(
            path: path,
            poolSize: 1,
            migrations: Self.withNextVersion + [skip],
            now: Sample.now
        )
        defer { upgraded.close() }

        #expect(try upgraded.appliedMigrations() == Self.shipped + [Self.next, Self.next + 1])
    }

    @Test
    func init_refusesDatabaseNewerThanProgram() throws {
        let fixture = try StoreFixture(.sqlite)
        fixture.sqlite?.close()
        let path = StoreFixture.databasePath(in: fixture.directory)
        try SQLiteStore(path: path, poolSize: 1, migrations: Self.withNextVersion, now: Sample.now).close()

        let error = #expect(throws: StoreError.self) { _ = try SQLiteStore(path: path) }

        #expect(error?.code == .migration)
    }

    @Test
    func init_rollsBackFailedMigration() throws {
        let fixture = try StoreFixture(.sqlite)
        fixture.sqlite?.close()
        let path = StoreFixture.databasePath(in: fixture.directory)
        let broken =
            SQLiteMigration.all + [
                SQLiteMigration(
                    version: Self.next,
                    sql: "CREATE TABLE half_done (x INTEGER); CREATE TABLE users (x INTEGER);"
                )
            ]

        let error = #expect(throws: StoreError.self) {
            _ = try SQLiteStore(path: path, poolSize: 1, migrations: broken, now: Sample.now)
        }

        #expect(error?.code == .migration)
        #expect(error?.engineCode != nil)
        let reopened = try SQLiteStore(path: path, poolSize: 1, migrations: Self.withNextVersion, now: Sample.now)
        defer { reopened.close() }
        #expect(try reopened.appliedMigrations() == Self.shipped + [Self.next])
    }

    @Test
    func dates_areStoredRoundedDownToWholeSeconds() throws {
        let fixture = try StoreFixture(.sqlite)
        var user = Sample.user()
        user.createdAt = Date(timeIntervalSince1970: 1_700_000_000.9)
        try fixture.store.insertUser(user)

        #expect(try fixture.store.user(id: "user-1")?.createdAt == Date(timeIntervalSince1970: 1_700_000_000))
    }

    @Test
    func dates_beforeTheEpochRoundDownToo() {
        #expect(StoreCoding.seconds(Date(timeIntervalSince1970: -0.5)) == -1)
        #expect(StoreCoding.seconds(Date(timeIntervalSince1970: .infinity)) == .max)
        #expect(StoreCoding.seconds(Date(timeIntervalSince1970: -.infinity)) == .min)
    }

    @Test
    func stateDump_changesWithEveryWrite() throws {
        let fixture = try StoreFixture(.sqlite)
        let sqlite = try #require(fixture.sqlite)
        try Sample.seed(sqlite)
        let before = try sqlite.stateDump()

        try sqlite.touchSession(idHash: Sample.sessionHash(), lastSeenAt: Sample.at(1))

        #expect(try sqlite.stateDump() != before)
    }

    @Test
    func stateDump_coversEveryTable() throws {
        let fixture = try StoreFixture(.sqlite)
        let dump = String(decoding: try #require(fixture.sqlite).stateDump(), as: UTF8.self)

        for table in [
            "account_failures", "authorization_codes", "clients", "factors", "flows", "outbox", "rate_limit_counters",
            "refresh_tokens",
            "revoked_access_tokens", "schema_migrations", "session_events", "sessions", "signing_keys", "users",
        ] {
            #expect(dump.contains("table \(table)\n"), "\(table)")
        }
        #expect(dump.contains("applied_at") == false)
        #expect(dump.contains("audit_records") == false, "a rejected request may add an audit record by design")
    }

    @Test
    func consumeAuthorizationCode_reportsCorruptStoredList() throws {
        let fixture = try StoreFixture(.sqlite)
        let sqlite = try #require(fixture.sqlite)
        try Sample.seed(sqlite)
        try sqlite.insertAuthorizationCode(Sample.code())
        try sqlite.withConnection { try $0.run("UPDATE authorization_codes SET amr = 'not json'") }

        let error = #expect(throws: StoreError.self) {
            _ = try sqlite.consumeAuthorizationCode(hash: Sample.codeHash(), now: Sample.now)
        }

        #expect(error?.code == .corrupt)
        #expect(error?.detail.contains("not json") == false)
    }

    @Test
    func insertFactor_refusesUnknownUser() throws {
        let fixture = try StoreFixture(.sqlite)

        let error = #expect(throws: StoreError.self) { try fixture.store.insertFactor(Sample.factor()) }

        #expect(error?.code == .conflict)
        #expect(error?.engineCode == SQLiteResultCode.constraintForeignKey)
    }

    @Test
    func close_makesLaterCallsUnavailable() throws {
        let fixture = try StoreFixture(.sqlite)
        fixture.sqlite?.close()

        let error = #expect(throws: StoreError.self) { _ = try fixture.store.user(id: "user-1") }

        #expect(error?.code == .unavailable)
    }

    @Test
    func pool_ofOneConnectionServesManyThreads() throws {
        let fixture = try StoreFixture(.sqlite, poolSize: 1)
        let store = fixture.store

        let outcome = race(16) { index in
            try store.insertUser(Sample.user("user-\(index)", name: "name-\(index)"))
            return try store.user(id: "user-\(index)") != nil
        }

        #expect(outcome.wins == 16)
        #expect(outcome.errors == [])
    }

    /// The versions this program ships, and one past the last: a later release's migration.
    private static let shipped = SQLiteMigration.all.map(\.version)
    private static let next = (shipped.last ?? 0) + 1

    private static let withNextVersion =
        SQLiteMigration.all + [
            SQLiteMigration(version: next, sql: "CREATE TABLE later_addition (x INTEGER PRIMARY KEY);")
        ]
}

/// What only the SQLite audit table shows: its triggers and unreadable rows.
struct SQLiteAuditTests {
    @Test
    func auditRecords_refuseUpdateAndDeleteThroughSQL() throws {
        let fixture = try StoreFixture(.sqlite)
        let sqlite = try #require(fixture.sqlite)
        let records = StoreContractTests.auditChain(2)
        try sqlite.appendAudit(records)

        #expect(throws: StoreError.self) {
            try sqlite.withConnection { try $0.run("UPDATE audit_records SET kind = 'x'") }
        }
        #expect(throws: StoreError.self) { try sqlite.withConnection { try $0.run("DELETE FROM audit_records") } }
        #expect(try sqlite.auditRecords(after: 0, limit: 10) == records)
    }

    @Test
    func auditRecords_reportUnreadableRowWithItsNumber() throws {
        let fixture = try StoreFixture(.sqlite)
        let sqlite = try #require(fixture.sqlite)
        try sqlite.appendAudit(StoreContractTests.auditChain(3))
        try sqlite.withConnection { connection in
            try connection.execute("DROP TRIGGER audit_records_no_update", "drop trigger")
            try connection.run("UPDATE audit_records SET fields = '{\"user.id\": 7}' WHERE seq = 2")
        }

        let error = #expect(throws: StoreError.self) { _ = try sqlite.auditRecords(after: 0, limit: 10) }

        #expect(error?.code == .corrupt)
        #expect(error?.auditSequence == 2)
        #expect(error?.detail.contains("7") == false)
        #expect(try sqlite.auditRecords(after: 0, limit: 1).count == 1)
    }
}
