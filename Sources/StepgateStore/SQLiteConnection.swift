internal import CSQLite
import Foundation

/// One open SQLite database handle and its cache of prepared statements; closed in `deinit`.
///
/// Every connection runs with WAL journaling, `synchronous=NORMAL`, foreign keys on and a
/// 5-second busy timeout, so a writer waits for another instead of failing at once.
///
/// Opened with `SQLITE_OPEN_NOMUTEX` (SQLite's multi-thread mode): SQLite takes no lock of its
/// own around the handle, so only one thread may use it at a time. `SQLiteStore`'s pool lends
/// each connection to one thread for the length of one call, and tests that open one directly
/// use it from one thread.
///
/// The connections of one store share a `SQLiteWriterGate`: a write transaction, or a statement
/// that writes outside one, holds it while it runs, so the store's writers queue in this process
/// rather than in SQLite's busy handler.
final class SQLiteConnection: SQLConnection, @unchecked Sendable {  // Safety: lent to one thread at a time.
    static let dialect = SQLDialect.sqlite

    private let handle: OpaquePointer
    private let writers: SQLiteWriterGate
    private var statements: [String: SQLiteStatement] = [:]

    /// Opens (creating if needed) the database at `path` and applies the connection pragmas.
    /// `writers` is the gate shared with the other connections of the same store; a connection
    /// opened on its own gets one of its own, and meets other writers in SQLite's busy handler.
    init(path: String, writers: SQLiteWriterGate = SQLiteWriterGate()) throws {
        Self.configureLibrary()
        var database: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        // Safety: `path` is copied by SQLite during the call; on failure a non-nil handle must
        // still be closed, which happens before throwing.
        let result = sqlite3_open_v2(path, &database, flags, nil)
        guard result == SQLITE_OK, let database else {
            let code = database.map { sqlite3_extended_errcode($0) } ?? result
            sqlite3_close_v2(database)
            throw SQLiteResultCode.error(code, "open database")
        }
        self.handle = database
        self.writers = writers
        try configure()
    }

    deinit {
        statements.removeAll()
        // Safety: every cached statement was finalized above; close_v2 defers the close
        // should any statement still be alive, so the handle is never used after free.
        sqlite3_close_v2(handle)
    }

    /// Turns SQLite's memory statistics off, once per process, before the first connection
    /// opens (SQLite accepts global settings only before it initialises itself).
    ///
    /// With statistics on, every allocation and free in SQLite takes one process-wide mutex,
    /// which the worker threads' connections contended for. Nothing here reads the statistics
    /// (`sqlite3_memory_used`, `sqlite3_status`) or sets a soft heap limit, which needs them.
    /// Should another part of the process have initialised SQLite first, the call fails
    /// harmlessly and the statistics stay on.
    private static func configureLibrary() {
        _ = libraryConfigured
    }

    private static let libraryConfigured: Bool = stepgate_sqlite_disable_memory_statistics() == SQLITE_OK

    private func configure() throws {
        try execute("PRAGMA busy_timeout = 5000", "set busy timeout")
        let mode = try query("PRAGMA journal_mode = WAL") { try $0.text(0) }
        guard mode.first?.lowercased() == "wal" else {
            throw StoreError(.unavailable, "database refused WAL journal mode")
        }
        try execute("PRAGMA synchronous = NORMAL", "set synchronous mode")
        try execute("PRAGMA foreign_keys = ON", "enable foreign keys")
    }

    /// Runs constant SQL text, possibly several statements, that takes no values.
    func execute(_ sql: String, _ operation: String) throws {
        // Safety: SQLite copies the text; no callback and no error-message buffer are passed.
        guard sqlite3_exec(handle, sql, nil, nil, nil) == SQLITE_OK else {
            throw SQLiteResultCode.error(sqlite3_extended_errcode(handle), operation)
        }
    }

    /// Runs one statement and returns how many rows it changed.
    @discardableResult
    func run(_ sql: String, _ values: [SQLValue] = []) throws -> Int {
        let statement = try prepared(sql)
        return try gatedIfWriting(statement) {
            defer { statement.reset() }
            try statement.bind(values)
            while try statement.step() {}
            return Int(sqlite3_changes64(handle))
        }
    }

    /// Runs one statement and reads every row it yields, in order.
    func query<Row>(
        _ sql: String,
        _ values: [SQLValue] = [],
        _ read: (SQLiteRow) throws -> Row
    ) throws -> [Row] {
        let statement = try prepared(sql)
        return try gatedIfWriting(statement) {
            defer { statement.reset() }
            try statement.bind(values)
            var rows: [Row] = []
            while try statement.step() {
                rows.append(try read(SQLiteRow(statement: statement)))
            }
            return rows
        }
    }

    /// Runs `body` holding the writer gate when `statement` writes in autocommit mode (its own
    /// implicit transaction); inside a write transaction the gate is held already, and a
    /// statement that only reads needs none.
    private func gatedIfWriting<Result>(_ statement: SQLiteStatement, _ body: () throws -> Result) throws -> Result {
        guard !statement.isReadOnly, isIdle else { return try body() }
        return try writers.withLock(body)
    }

    /// Runs one statement and reads its first row, if any; every row is stepped through, so
    /// an `UPDATE … RETURNING` completes before this returns.
    func queryFirst<Row>(
        _ sql: String,
        _ values: [SQLValue] = [],
        _ read: (SQLiteRow) throws -> Row
    ) throws -> Row? {
        try query(sql, values, read).first
    }

    /// Runs `body` inside `BEGIN IMMEDIATE … COMMIT`, rolling back if it throws.
    ///
    /// IMMEDIATE takes the write lock at the start (waiting up to the busy timeout), so reads
    /// inside the transaction cannot be overtaken by another writer. The writer gate is taken
    /// first, so within this process the wait happens there.
    func writeTransaction<Result>(_ body: () throws -> Result) throws -> Result {
        try writers.withLock { try transaction("BEGIN IMMEDIATE", body) }
    }

    /// Runs `body` inside a deferred transaction: its reads see one consistent snapshot.
    func readTransaction<Result>(_ body: () throws -> Result) throws -> Result {
        try transaction("BEGIN", body)
    }

    private func transaction<Result>(_ begin: String, _ body: () throws -> Result) throws -> Result {
        // Prepared once per connection like any other statement, rather than parsed by
        // sqlite3_exec on every transaction.
        try run(begin)
        do {
            let result = try body()
            try run("COMMIT")
            return result
        } catch {
            rollBack()
            throw error
        }
    }

    private func rollBack() {
        // Safety: constant text, no callback. A failed rollback leaves the connection inside a
        // transaction, which `isIdle` reports so the pool drops the connection.
        sqlite3_exec(handle, "ROLLBACK", nil, nil, nil)
    }

    /// True when no transaction is open, so the connection can go back to the pool.
    var isIdle: Bool {
        sqlite3_get_autocommit(handle) != 0
    }

    /// A statement prepared once per connection and reused.
    private func prepared(_ sql: String) throws -> SQLiteStatement {
        if let statement = statements[sql] { return statement }
        let statement = try SQLiteStatement(database: handle, sql: sql)
        statements[sql] = statement
        return statement
    }

    /// A statement that is not cached, for SQL text that varies (the state dump).
    func uncachedStatement(_ sql: String) throws -> SQLiteStatement {
        try SQLiteStatement(database: handle, sql: sql)
    }
}

/// Lets one writer of a store at a time into SQLite, within this process.
///
/// SQLite admits one writer at a time; the others wait in its busy handler, which sleeps and
/// retries in growing steps of up to 100 ms. Under steady write load an unlucky writer slept
/// through many of those steps while others got in ahead of it: the token-refresh round of
/// `make bench` saw a p99 of over half a second. Writers that queue on this lock instead wake as
/// soon as the writer ahead of them finishes. SQLite's busy timeout still covers writers in
/// other processes (the administration commands).
///
/// The lock is recursive: a thread that already writes through one connection and writes
/// through a second of the same store meets SQLite's busy timeout as before, not a deadlock.
final class SQLiteWriterGate: @unchecked Sendable {  // Safety: the lock is the only state.
    private let lock = NSRecursiveLock()

    init() {}

    func withLock<Result>(_ body: () throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }
}
