import Foundation

/// A `Store` kept in a SQL database: the one implementation of every `Store` method, written
/// once in the `SQLStore+…` extensions and run by `SQLiteStore` and `PostgresStore` alike.
///
/// Statements are written with `?N` parameters (PostgreSQL's connection reads them as `$N`),
/// to the SQL both engines share; where they differ, `SQLDialect` supplies the fragment.
protocol SQLStore: Store {
    associatedtype Connection: SQLConnection

    /// Lends a pooled connection to `body` for the length of the call.
    @discardableResult
    func withConnection<Result>(_ body: (Connection) throws -> Result) throws -> Result
}

extension SQLStore {
    /// Runs `select` (a `SELECT` of constant text) inside the caller's write transaction, locking
    /// the rows it reads until the transaction ends; true when it read a row. On SQLite a plain
    /// read: its write transaction holds the database's write lock already.
    static func lockRows(_ select: String, _ values: [SQLValue], on connection: Connection) throws -> Bool {
        try connection.queryFirst(select + Connection.dialect.forUpdate, values) { _ in true } != nil
    }
}

/// One database connection, used by one thread at a time, as a `SQLStore` sees it.
protocol SQLConnection {
    associatedtype Row: SQLRow

    static var dialect: SQLDialect { get }

    /// Runs one statement and returns how many rows it changed.
    @discardableResult
    func run(_ sql: String, _ values: [SQLValue]) throws -> Int

    /// Runs one statement and reads every row it yields, in order.
    func query<Result>(_ sql: String, _ values: [SQLValue], _ read: (Row) throws -> Result) throws -> [Result]

    /// Runs `body` in a transaction that writes, rolling back if it throws.
    func writeTransaction<Result>(_ body: () throws -> Result) throws -> Result

    /// Runs `body` in a transaction whose reads all see one snapshot.
    func readTransaction<Result>(_ body: () throws -> Result) throws -> Result
}

extension SQLConnection {
    @discardableResult
    func run(_ sql: String) throws -> Int {
        try run(sql, [])
    }

    func query<Result>(_ sql: String, _ read: (Row) throws -> Result) throws -> [Result] {
        try query(sql, [], read)
    }

    /// Runs one statement and reads its first row, if any; every row is read, so an
    /// `UPDATE … RETURNING` completes before this returns.
    func queryFirst<Result>(_ sql: String, _ values: [SQLValue], _ read: (Row) throws -> Result) throws -> Result? {
        try query(sql, values, read).first
    }

    func queryFirst<Result>(_ sql: String, _ read: (Row) throws -> Result) throws -> Result? {
        try query(sql, [], read).first
    }
}

/// Typed, strict reading of one result row by column position (`SQLiteRow`, `PostgresRow`).
///
/// A column of the wrong type, or NULL where a value is required, throws `StoreError.corrupt`
/// naming the column position only (never its value).
protocol SQLRow {
    func int64(_ index: Int32) throws -> Int64
    func int64OrNil(_ index: Int32) throws -> Int64?
    func int(_ index: Int32) throws -> Int
    /// A flag stored as 0 or 1.
    func bool(_ index: Int32) throws -> Bool
    func double(_ index: Int32) throws -> Double
    func doubleOrNil(_ index: Int32) throws -> Double?
    func text(_ index: Int32) throws -> String
    func textOrNil(_ index: Int32) throws -> String?
    func blob(_ index: Int32) throws -> [UInt8]
    func blobOrNil(_ index: Int32) throws -> [UInt8]?
    /// Whole seconds since 1970.
    func date(_ index: Int32) throws -> Date
    func dateMilliseconds(_ index: Int32) throws -> Date
    func dateOrNil(_ index: Int32) throws -> Date?
    /// A JSON string array stored as text.
    func strings(_ index: Int32) throws -> [String]
}

/// The SQL fragments in which SQLite and PostgreSQL differ.
enum SQLDialect: Sendable {
    case sqlite
    case postgres

    /// The column that orders rows by insertion where a table has no key to order by: SQLite's
    /// implicit `rowid`, the identity column `id` in the PostgreSQL schema.
    var rowID: String {
        switch self {
        case .sqlite: return "rowid"
        case .postgres: return "id"
        }
    }

    /// Appended to a `SELECT` inside a write transaction to lock the rows it reads until the
    /// transaction ends. Nothing for SQLite, whose write transactions (`BEGIN IMMEDIATE`) hold
    /// the database's one write lock from their start.
    var forUpdate: String {
        switch self {
        case .sqlite: return ""
        case .postgres: return " FOR UPDATE"
        }
    }

    /// Appended to a `SELECT` inside a write transaction to hold the rows it reads against
    /// `forUpdate` locks (and updates) until the transaction ends, while other `forShare`
    /// readers go on. Nothing for SQLite (see `forUpdate`).
    var forShare: String {
        switch self {
        case .sqlite: return ""
        case .postgres: return " FOR SHARE"
        }
    }

    /// A statement taking the lock of one refresh-token family (`?1`, its ID) until the write
    /// transaction ends (`SQLStore.insertRefreshToken`); nil for SQLite, whose write
    /// transactions never overlap. The first key (`Stph`) sets these locks apart from the
    /// migration lock.
    var familyLock: String? {
        switch self {
        case .sqlite: return nil
        case .postgres: return "SELECT pg_advisory_xact_lock(1400139880, hashtext(?1))"
        }
    }

    /// A statement locking the signing-key table until the write transaction ends, so that
    /// rotations and first keys run one after the other (plain reads do not wait); nil for
    /// SQLite, whose write transactions never overlap.
    var signingKeyLock: String? {
        switch self {
        case .sqlite: return nil
        case .postgres: return "LOCK TABLE signing_keys IN SHARE ROW EXCLUSIVE MODE"
        }
    }

    /// Appended to a subquery that picks rows to consume: a racing statement skips rows being
    /// consumed by another and takes the next, instead of waiting and then finding none.
    /// Nothing for SQLite, where writers never overlap.
    var skipLocked: String {
        switch self {
        case .sqlite: return ""
        case .postgres: return " FOR UPDATE SKIP LOCKED"
        }
    }
}

/// Column lists shared by several statements.
enum StoreSQL {
    static let deviceColumns =
        "user_id, device_id_hash, fingerprint, first_seen_at, last_seen_at, remembered_until, label"

    /// Built once: statement caches are keyed by the text, and decisions read devices often.
    static let deviceSQL = "SELECT \(deviceColumns) FROM risk_devices WHERE user_id = ?1 AND device_id_hash = ?2"

    static let outboxColumns = """
        id, channel, purpose, sealed_payload, state, attempts, next_attempt_at, lease_token, lease_until,
        created_at, sent_at, last_error
        """

    static let challengeColumns = """
        id, session_id_hash, action, acr, max_age, transaction_hash, details, return_to, created_at, expires_at,
        completed_at
        """

    static let credentialColumns = """
        id, user_id, credential_id, public_key, algorithm, sign_count, aaguid, backup_eligible, backup_state,
        user_verifying, transports, attestation_format, attestation_type, kind, label, created_at, last_used_at,
        disabled_at, disabled_reason
        """
}
