internal import CSQLite
import Foundation

/// Typed, strict reading of the current row of a statement, by column position.
///
/// A column of the wrong type, or NULL where a value is required, throws `StoreError.corrupt`
/// naming the column position only (never its value). Valid only during the read closure.
struct SQLiteRow: SQLRow {
    let statement: SQLiteStatement

    func int64(_ index: Int32) throws -> Int64 {
        try require(index, SQLITE_INTEGER, "integer")
        return statement.int64(index)
    }

    func int64OrNil(_ index: Int32) throws -> Int64? {
        statement.isNull(index) ? nil : try int64(index)
    }

    func int(_ index: Int32) throws -> Int {
        let value = try int64(index)
        guard let integer = Int(exactly: value) else { throw corrupt(index, "integer") }
        return integer
    }

    func bool(_ index: Int32) throws -> Bool {
        switch try int64(index) {
        case 0: return false
        case 1: return true
        default: throw corrupt(index, "flag")
        }
    }

    func double(_ index: Int32) throws -> Double {
        try require(index, SQLITE_FLOAT, "real")
        return statement.double(index)
    }

    func doubleOrNil(_ index: Int32) throws -> Double? {
        statement.isNull(index) ? nil : try double(index)
    }

    func text(_ index: Int32) throws -> String {
        try require(index, SQLITE_TEXT, "text")
        guard let text = statement.text(index) else { throw corrupt(index, "UTF-8 text") }
        return text
    }

    func textOrNil(_ index: Int32) throws -> String? {
        statement.isNull(index) ? nil : try text(index)
    }

    func blob(_ index: Int32) throws -> [UInt8] {
        try require(index, SQLITE_BLOB, "blob")
        return statement.blob(index)
    }

    func blobOrNil(_ index: Int32) throws -> [UInt8]? {
        statement.isNull(index) ? nil : try blob(index)
    }

    func date(_ index: Int32) throws -> Date {
        StoreCoding.date(seconds: try int64(index))
    }

    func dateMilliseconds(_ index: Int32) throws -> Date {
        StoreCoding.date(milliseconds: try int64(index))
    }

    func dateOrNil(_ index: Int32) throws -> Date? {
        try int64OrNil(index).map(StoreCoding.date(seconds:))
    }

    /// A JSON string array stored as text.
    func strings(_ index: Int32) throws -> [String] {
        try StoreCoding.strings(jsonArray: text(index), column: "\(index)")
    }

    private func require(_ index: Int32, _ type: Int32, _ name: String) throws {
        guard statement.columnType(index) == type else { throw corrupt(index, name) }
    }

    private func corrupt(_ index: Int32, _ expected: String) -> StoreError {
        StoreError(.corrupt, "column \(index) is not a valid \(expected)")
    }
}
