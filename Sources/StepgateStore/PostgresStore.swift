import Dispatch
import Foundation
import Synchronization

/// The `Store` on a PostgreSQL database, through libpq: what N nodes share.
///
/// Calls may come from any thread. Each call borrows one connection from a pool of at most
/// `poolSize` (waiting while all are lent), opened on demand. Before each call a connection
/// checks, without blocking, whether the server closed it (a restart, a failover, an ended
/// session) and reconnects; while the server cannot be reached, calls throw
/// `StoreError(.unavailable)` and service resumes by itself once it is back. Times are stored
/// as whole seconds since 1970 (`bigint`), rounded down, as in the SQLite store; bytes as `bytea`.
public final class PostgresStore: SQLStore {
    private struct Pool {
        var idle: [PostgresConnection]
        var closed = false
    }

    private let parameters: PostgresParameters
    private let pool: Mutex<Pool>
    /// One permit per connection the pool may lend at once.
    private let permits: DispatchSemaphore

    /// Connects, migrates the schema (see `PostgresMigration`), and keeps the connection.
    ///
    /// `poolSize` must be at least 1. Throws `StoreError(.unavailable)` if the server cannot be
    /// reached, and `StoreError(.migration)` if the schema is newer than this program knows or a
    /// migration fails.
    public convenience init(_ parameters: PostgresParameters, poolSize: Int = 8) throws {
        try self.init(parameters, poolSize: poolSize, migrations: PostgresMigration.all, now: Date())
    }

    /// Opens with a chosen migration list; tests use it to stage older and newer schemas.
    init(_ parameters: PostgresParameters, poolSize: Int, migrations: [PostgresMigration], now: Date) throws {
        precondition(poolSize >= 1, "a PostgreSQL store needs at least one connection")
        let first = try PostgresConnection(parameters)
        try first.migrate(migrations, now: now)
        self.parameters = parameters
        self.pool = Mutex(Pool(idle: [first]))
        self.permits = DispatchSemaphore(value: poolSize)
    }

    /// Closes every idle connection now and each lent one when it comes back.
    ///
    /// Later calls throw `StoreError(.unavailable)`. Closing twice is harmless.
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

    /// Lends a connection to `body` for the length of the call, reconnecting it first if the
    /// server closed it.
    @discardableResult
    func withConnection<Result>(_ body: (PostgresConnection) throws -> Result) throws -> Result {
        permits.wait()
        defer { permits.signal() }
        let connection = try checkOut()
        defer { checkIn(connection) }
        try connection.ensureOpen()
        return try body(connection)
    }

    private func checkOut() throws -> PostgresConnection {
        let (closed, idle) = pool.withLock { pool in
            (pool.closed, pool.closed ? nil : pool.idle.popLast())
        }
        guard !closed else { throw StoreError(.unavailable, "store is closed") }
        if let idle { return idle }
        return try PostgresConnection(parameters)
    }

    private func checkIn(_ connection: PostgresConnection) {
        // A broken connection, or one still inside a transaction (a rollback failed), is
        // dropped; a new one is opened on demand.
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
