internal import CSQLite
import Foundation

/// One prepared SQLite statement; finalized in `deinit`.
///
/// Used only by the thread that holds its connection. Values reach it through `bind` only.
final class SQLiteStatement {
    private let handle: OpaquePointer
    private let database: OpaquePointer
    /// True when the statement cannot change the database (a `SELECT`, or transaction control
    /// such as `BEGIN` and `COMMIT`), as `sqlite3_stmt_readonly` reports it.
    let isReadOnly: Bool

    /// Prepares `sql`, which must be one statement built from constant text and `?` parameters.
    init(database: OpaquePointer, sql: String) throws {
        var statement: OpaquePointer?
        // Safety: `database` is an open handle owned by the calling connection; the SQL text is
        // copied by SQLite during the call, and `statement` is ours to finalize on success.
        let result = sqlite3_prepare_v3(database, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard result == SQLITE_OK, let statement else {
            let code = sqlite3_extended_errcode(database)
            sqlite3_finalize(statement)
            throw SQLiteResultCode.error(code, "prepare statement")
        }
        self.handle = statement
        self.database = database
        self.isReadOnly = sqlite3_stmt_readonly(statement) != 0
    }

    deinit {
        // Safety: the handle came from sqlite3_prepare_v3 and is finalized exactly once here.
        sqlite3_finalize(handle)
    }

    /// Clears earlier bindings and binds `values` to parameters 1…n.
    func bind(_ values: [SQLValue]) throws {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let result = bind(value, at: index)
            guard result == SQLITE_OK else {
                throw SQLiteResultCode.error(sqlite3_extended_errcode(database), "bind parameter \(index)")
            }
        }
    }

    private func bind(_ value: SQLValue, at index: Int32) -> Int32 {
        let transient = stepgate_sqlite_transient()
        switch value {
        case .integer(let integer):
            return sqlite3_bind_int64(handle, index, integer)
        case .real(let real):
            return sqlite3_bind_double(handle, index, real)
        case .null:
            return sqlite3_bind_null(handle, index)
        case .text(let text):
            let bytes = Array(text.utf8)
            guard !bytes.isEmpty else {
                // A nil pointer would bind NULL; an empty string must stay an empty string.
                return sqlite3_bind_text(handle, index, "", 0, transient)
            }
            // Safety: SQLite copies the bytes (transient) before the closure returns; the
            // pointer never leaves the closure.
            return bytes.withUnsafeBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) { chars in
                    sqlite3_bind_text(handle, index, chars.baseAddress, Int32(chars.count), transient)
                }
            }
        case .blob(let bytes):
            guard !bytes.isEmpty else {
                // A nil pointer would bind NULL; an empty blob must stay an empty blob.
                return sqlite3_bind_zeroblob(handle, index, 0)
            }
            // Safety: SQLite copies the bytes (transient) before the closure returns.
            return bytes.withUnsafeBytes { buffer in
                sqlite3_bind_blob(handle, index, buffer.baseAddress, Int32(buffer.count), transient)
            }
        }
    }

    /// Advances one step: true when a row is ready to read, false when the statement is done.
    func step() throws -> Bool {
        let result = sqlite3_step(handle)
        switch result {
        case SQLITE_ROW:
            return true
        case SQLITE_DONE:
            return false
        default:
            let code = sqlite3_extended_errcode(database)
            sqlite3_reset(handle)
            throw SQLiteResultCode.error(code, "execute statement")
        }
    }

    /// Ends the current execution, releasing its locks and read snapshot.
    func reset() {
        sqlite3_reset(handle)
    }

    var columnCount: Int32 { sqlite3_column_count(handle) }

    func columnName(_ index: Int32) -> String {
        // Safety: valid while the statement lives; copied into a Swift string at once.
        sqlite3_column_name(handle, index).map { String(cString: $0) } ?? ""
    }

    func isNull(_ index: Int32) -> Bool {
        sqlite3_column_type(handle, index) == SQLITE_NULL
    }

    func columnType(_ index: Int32) -> Int32 {
        sqlite3_column_type(handle, index)
    }

    func int64(_ index: Int32) -> Int64 {
        sqlite3_column_int64(handle, index)
    }

    func double(_ index: Int32) -> Double {
        sqlite3_column_double(handle, index)
    }

    /// The column's text, or nil when its bytes are not valid UTF-8.
    func text(_ index: Int32) -> String? {
        // Safety: the pointer stays valid until the next step/reset; column_bytes is read after
        // column_text as SQLite requires, and the bytes are copied before returning.
        guard let pointer = sqlite3_column_text(handle, index) else { return "" }
        let count = Int(sqlite3_column_bytes(handle, index))
        return String(validating: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
    }

    func blob(_ index: Int32) -> [UInt8] {
        // Safety: as for `text`; a zero-length blob gives a nil pointer and an empty array.
        guard let pointer = sqlite3_column_blob(handle, index) else { return [] }
        let count = Int(sqlite3_column_bytes(handle, index))
        return Array(UnsafeRawBufferPointer(start: pointer, count: count))
    }
}
