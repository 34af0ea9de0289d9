import Dispatch
import Foundation
import Synchronization

/// The `Store` on an embedded SQLite database file: the default for one node.
///
/// Calls may come from any thread. Each call borrows one connection from a fixed-size pool
/// (waiting while all are lent) and returns it afterwards. The file is created with mode 0600
/// and runs in WAL mode, so readers do not wait for the writer. Times are stored as whole
/// seconds since 1970, rounded down: a `Date` of 100.9 s reads back as 100 s.
public final class SQLiteStore: SQLStore {
    private struct Pool {
        var idle: [SQLiteConnection]
        var closed = false
    }

    private let path: String
    /// Shared by every connection of the pool: one writer at a time enters SQLite.
    private let writers: SQLiteWriterGate
    private let pool: Mutex<Pool>
    /// One permit per connection the pool may lend at once.
    private let permits: DispatchSemaphore

    /// Opens the database at `path` (creating it with mode 0600 if missing) and migrates it.
    ///
    /// `poolSize` connections are opened at once; it must be at least 1. Throws
    /// `StoreError(.unavailable)` if the file cannot be opened, and `StoreError(.migration)` if
    /// its schema is newer than this program knows or a migration fails.
    public convenience init(path: String, poolSize: Int = 4) throws {
        try self.init(path: path, poolSize: poolSize, migrations: SQLiteMigration.all, now: Date())
    }

    /// Opens with a chosen migration list; tests use it to stage older and newer schemas.
    init(path: String, poolSize: Int, migrations: [SQLiteMigration], now: Date) throws {
        precondition(poolSize >= 1, "a SQLite store needs at least one connection")
        try DatabaseFile.createPrivateFileIfMissing(path: path)
        let writers = SQLiteWriterGate()
        let first = try SQLiteConnection(path: path, writers: writers)
        try first.migrate(migrations, now: now)
        var connections = [first]
        for _ in 1..<poolSize {
            connections.append(try SQLiteConnection(path: path, writers: writers))
        }
        self.path = path
        self.writers = writers
        self.pool = Mutex(Pool(idle: connections))
        self.permits = DispatchSemaphore(value: poolSize)
    }

    /// Closes every idle connection now and each lent one when it comes back.
    ///
    /// Later calls throw `StoreError(.unavailable)`. Closing twice is harmless; `deinit` closes
    /// too, so calling this is only needed to release the file early.
    public func close() {
        let released = pool.withLock { pool in
            pool.closed = true
            let idle = pool.idle
            pool.idle = []
            return idle
        }
        // The released connections close here, outside the lock, as their last reference goes.
        withExtendedLifetime(released) {}
    }

    /// Lends a connection to `body` for the length of the call.
    @discardableResult
    func withConnection<Result>(_ body: (SQLiteConnection) throws -> Result) throws -> Result {
        permits.wait()
        defer { permits.signal() }
        let connection = try checkOut()
        defer { checkIn(connection) }
        return try body(connection)
    }

    private func checkOut() throws -> SQLiteConnection {
        let (closed, idle) = pool.withLock { pool in
            (pool.closed, pool.closed ? nil : pool.idle.popLast())
        }
        guard !closed else { throw StoreError(.unavailable, "store is closed") }
        if let idle { return idle }
        // A connection dropped earlier (see `checkIn`) is replaced on demand.
        return try SQLiteConnection(path: path, writers: writers)
    }

    private func checkIn(_ connection: SQLiteConnection) {
        // A connection still inside a transaction (a rollback failed) is dropped, not reused.
        guard connection.isIdle else { return }
        pool.withLock { pool in
            if !pool.closed { pool.idle.append(connection) }
        }
    }

    /// The schema versions applied to this database, ascending.
    func appliedMigrations() throws -> [Int64] {
        try withConnection { try $0.appliedMigrations() }
    }
}
