internal import CLibPQ
import Foundation

/// One libpq connection and the names of the statements prepared on it; closed in `deinit`.
///
/// Values reach SQL only as bound parameters in binary format (`PQexecPrepared`); results come
/// back in binary format too. Statements are prepared once per connection, keyed by their text,
/// and prepared again after a reconnect. Only one thread may use a connection at a time:
/// `PostgresStore`'s pool lends each to one thread for the length of one call.
final class PostgresConnection: SQLConnection, @unchecked Sendable {  // Safety: lent to one thread at a time.
    static let dialect = SQLDialect.postgres

    private let handle: OpaquePointer
    private var statements: [String: String] = [:]

    /// Connects with `parameters`; throws `StoreError(.unavailable)` when the server cannot be
    /// reached or refuses the connection. The reason is not given: libpq's message can quote
    /// parts of a malformed connection string, which may hold the password.
    init(_ parameters: PostgresParameters) throws {
        let connection = parameters.withKeywordArrays { keywords, values in
            // Safety: both arrays and their strings live until this closure returns, and libpq
            // copies what it keeps; expand_dbname = 1 reads the `dbname` value as a conninfo.
            PQconnectdbParams(keywords, values, 1)
        }
        guard let connection else {
            throw StoreError(.unavailable, "connect to the database server: out of memory")
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            PQfinish(connection)
            throw StoreError(.unavailable, "connect to the database server: connection refused or failed")
        }
        stepgate_pq_silence_notices(connection)
        self.handle = connection
    }

    deinit {
        // Safety: the handle came from PQconnectdbParams and is finished exactly once here; every
        // result it produced was cleared by its own `PostgresResult`.
        PQfinish(handle)
    }

    /// The server process serving this connection (for `pg_terminate_backend` in tests).
    var backendPID: Int32 { PQbackendPID(handle) }

    /// True when the connection is open and outside any transaction, so the pool can keep it.
    var isIdle: Bool {
        PQstatus(handle) == CONNECTION_OK && PQtransactionStatus(handle) == PQTRANS_IDLE
    }

    /// Makes sure the connection is usable before a call, reconnecting when it is not.
    ///
    /// A server that restarted or ended this session has closed the socket; reading what is
    /// pending (twice: the first read may only collect the server's goodbye message, the second
    /// then sees the end of the stream) makes libpq notice that without blocking. A broken
    /// connection is reset, waiting at most the connection timeout; throws
    /// `StoreError(.unavailable)` when the server is still unreachable.
    func ensureOpen() throws {
        for _ in 0..<2 where PQstatus(handle) == CONNECTION_OK {
            // Safety: non-blocking read of pending input into libpq's own buffer.
            _ = PQconsumeInput(handle)
        }
        guard PQstatus(handle) != CONNECTION_OK else { return }
        statements.removeAll()
        PQreset(handle)
        guard PQstatus(handle) == CONNECTION_OK else {
            throw StoreError(.unavailable, "reconnect to the database server: connection refused or failed")
        }
    }

    /// Runs constant SQL text, possibly several statements, that takes no values.
    func execute(_ sql: String, _ operation: String) throws {
        // Safety: libpq copies the text during the call; the result is owned by PostgresResult.
        _ = try check(PQexec(handle, sql), operation)
    }

    /// Runs one statement and returns how many rows it changed.
    @discardableResult
    func run(_ sql: String, _ values: [SQLValue] = []) throws -> Int {
        try executePrepared(sql, values).changedRows
    }

    /// Runs one statement and reads every row it yields, in order.
    func query<Row>(
        _ sql: String,
        _ values: [SQLValue] = [],
        _ read: (PostgresRow) throws -> Row
    ) throws -> [Row] {
        let result = try executePrepared(sql, values)
        var rows: [Row] = []
        rows.reserveCapacity(Int(result.rowCount))
        for index in 0..<result.rowCount {
            rows.append(try read(PostgresRow(result: result, row: index)))
        }
        return rows
    }

    /// Runs one statement and reads its first row, if any.
    func queryFirst<Row>(
        _ sql: String,
        _ values: [SQLValue] = [],
        _ read: (PostgresRow) throws -> Row
    ) throws -> Row? {
        try query(sql, values, read).first
    }

    /// Runs one statement of constant text without preparing it, for text that varies (the
    /// state dump reads tables by name).
    func unpreparedQuery(_ sql: String) throws -> PostgresResult {
        // Safety: as for `execute`; resultFormat 1 asks for binary values.
        try check(PQexecParams(handle, sql, 0, nil, nil, nil, nil, 1), "run statement")
    }

    /// Runs `body` inside `BEGIN … COMMIT` (read committed), rolling back if it throws.
    ///
    /// Unlike SQLite's `BEGIN IMMEDIATE` this takes no lock up front: callers that read before
    /// they write lock the rows they depend on (`SELECT … FOR UPDATE`) or rely on a unique key.
    func writeTransaction<Result>(_ body: () throws -> Result) throws -> Result {
        try transaction("BEGIN", body)
    }

    /// Runs `body` in a read-only repeatable-read transaction: its reads see one snapshot.
    func readTransaction<Result>(_ body: () throws -> Result) throws -> Result {
        try transaction("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY", body)
    }

    private func transaction<Result>(_ begin: String, _ body: () throws -> Result) throws -> Result {
        try execute(begin, "begin transaction")
        do {
            let result = try body()
            try execute("COMMIT", "commit transaction")
            return result
        } catch {
            rollBack()
            throw error
        }
    }

    private func rollBack() {
        // Safety: constant text; the result is cleared at once. A failed rollback leaves the
        // connection inside a transaction (or broken), which `isIdle` reports to the pool.
        PQclear(PQexec(handle, "ROLLBACK"))
    }

    private func executePrepared(_ sql: String, _ values: [SQLValue]) throws -> PostgresResult {
        let name = try prepared(sql, values)
        let parameters = values.map(PostgresParameter.init)
        var buffers: [UnsafeMutablePointer<CChar>?] = []
        defer { buffers.forEach { $0?.deallocate() } }
        for parameter in parameters {
            buffers.append(parameter.bytes.map(Self.copy))
        }
        let pointers = buffers.map { $0.map { UnsafePointer($0) } }
        let lengths = parameters.map { Int32($0.bytes?.count ?? 0) }
        let formats = [Int32](repeating: 1, count: parameters.count)
        // Safety: the value buffers are freed only after this call returns (the `defer` above),
        // and the three arrays live for the length of the closures; libpq reads them during the
        // call only. Formats 1 send every value in binary; resultFormat 1 asks for binary rows.
        let result = pointers.withUnsafeBufferPointer { pointers in
            lengths.withUnsafeBufferPointer { lengths in
                formats.withUnsafeBufferPointer { formats in
                    PQexecPrepared(
                        handle,
                        name,
                        Int32(parameters.count),
                        pointers.baseAddress,
                        lengths.baseAddress,
                        formats.baseAddress,
                        1
                    )
                }
            }
        }
        return try check(result, "execute statement")
    }

    /// The name of `sql` prepared on this connection, preparing it on first use with the types
    /// of `values` (a NULL leaves its type to the server to infer from the statement).
    private func prepared(_ sql: String, _ values: [SQLValue]) throws -> String {
        if let name = statements[sql] { return name }
        let name = "s\(statements.count + 1)"
        let types = values.map { PostgresParameter($0).type }
        let text = Self.numberedParameters(sql)
        // Safety: `types` lives for the closure; libpq copies the name and text during the call.
        let result = types.withUnsafeBufferPointer { types in
            PQprepare(handle, name, text, Int32(types.count), types.baseAddress)
        }
        _ = try check(result, "prepare statement")
        statements[sql] = name
        return name
    }

    /// The statement with SQLite's `?N` parameters written as PostgreSQL's `$N`, outside quoted
    /// literals and identifiers (statements are shared by both stores; see `SQLStore`).
    static func numberedParameters(_ sql: String) -> String {
        var output = ""
        output.reserveCapacity(sql.utf8.count)
        var quote: Character?
        var previous: Character?
        for character in sql {
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "'" || character == "\"" {
                quote = character
            }
            if character.isNumber, previous == "?", quote == nil {
                output.removeLast()
                output.append("$")
            }
            output.append(character)
            previous = character
        }
        return output
    }

    /// Takes ownership of `result` and throws the mapped error unless the command succeeded.
    private func check(_ result: OpaquePointer?, _ operation: String) throws -> PostgresResult {
        guard let result else {
            throw StoreError(.unavailable, "\(operation): no answer from the database server")
        }
        let owned = PostgresResult(result)
        let status = PQresultStatus(result)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else {
            // Safety: the field is owned by the result, copied into a Swift string at once.
            let sqlState = PQresultErrorField(result, stepgate_pq_diag_sqlstate()).map { String(cString: $0) }
            throw PostgresSQLState.error(sqlState, operation)
        }
        return owned
    }

    private static func copy(_ bytes: [UInt8]) -> UnsafeMutablePointer<CChar> {
        // One byte at least, so that an empty value is an empty value and not NULL.
        let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: max(1, bytes.count))
        bytes.withUnsafeBytes { source in
            UnsafeMutableRawPointer(buffer).copyMemory(
                from: source.baseAddress ?? UnsafeRawPointer(buffer),
                byteCount: source.count
            )
        }
        return buffer
    }
}

/// One bound value in PostgreSQL's binary wire format, with its type OID.
private struct PostgresParameter {
    let type: UInt32
    /// The value's bytes; nil for NULL.
    let bytes: [UInt8]?

    init(_ value: SQLValue) {
        switch value {
        case .integer(let integer):
            type = PostgresType.int8
            bytes = Self.bigEndian(UInt64(bitPattern: integer))
        case .real(let real):
            type = PostgresType.float8
            bytes = Self.bigEndian(real.bitPattern)
        case .text(let text):
            type = PostgresType.text
            bytes = Array(text.utf8)
        case .blob(let blob):
            type = PostgresType.bytea
            bytes = blob
        case .null:
            type = 0
            bytes = nil
        }
    }

    private static func bigEndian(_ value: UInt64) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: value >> (56 - 8 * UInt64($0))) }
    }
}
