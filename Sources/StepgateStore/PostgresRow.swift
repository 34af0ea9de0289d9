internal import CLibPQ
import Foundation

/// Typed, strict reading of one row of a PostgreSQL result in binary format, by column position.
///
/// The same reading methods as `SQLiteRow`, so one record decoder reads both. A column of an
/// unexpected type, or NULL where a value is required, throws `StoreError.corrupt` naming the
/// column position only (never its value). Valid only during the read closure.
struct PostgresRow: SQLRow {
    let result: PostgresResult
    let row: Int32

    func int64(_ index: Int32) throws -> Int64 {
        let bytes = try value(index, "integer")
        switch (result.type(index), bytes.count) {
        case (PostgresType.int8, 8), (PostgresType.int4, 4), (PostgresType.int2, 2):
            return Self.signedBigEndian(bytes)
        default:
            throw corrupt(index, "integer")
        }
    }

    func int64OrNil(_ index: Int32) throws -> Int64? {
        isNull(index) ? nil : try int64(index)
    }

    func int(_ index: Int32) throws -> Int {
        let value = try int64(index)
        guard let integer = Int(exactly: value) else { throw corrupt(index, "integer") }
        return integer
    }

    /// A flag stored as integer 0 or 1, as in the SQLite schema (or a PostgreSQL boolean).
    func bool(_ index: Int32) throws -> Bool {
        if result.type(index) == PostgresType.bool {
            let bytes = try value(index, "flag")
            guard bytes.count == 1, bytes[0] <= 1 else { throw corrupt(index, "flag") }
            return bytes[0] == 1
        }
        switch try int64(index) {
        case 0: return false
        case 1: return true
        default: throw corrupt(index, "flag")
        }
    }

    func double(_ index: Int32) throws -> Double {
        let bytes = try value(index, "real")
        guard result.type(index) == PostgresType.float8, bytes.count == 8 else { throw corrupt(index, "real") }
        return Double(bitPattern: UInt64(bitPattern: Self.signedBigEndian(bytes)))
    }

    func doubleOrNil(_ index: Int32) throws -> Double? {
        isNull(index) ? nil : try double(index)
    }

    func text(_ index: Int32) throws -> String {
        let bytes = try value(index, "text")
        guard PostgresType.texts.contains(result.type(index)) else { throw corrupt(index, "text") }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw corrupt(index, "UTF-8 text") }
        return text
    }

    func textOrNil(_ index: Int32) throws -> String? {
        isNull(index) ? nil : try text(index)
    }

    func blob(_ index: Int32) throws -> [UInt8] {
        let bytes = try value(index, "blob")
        guard result.type(index) == PostgresType.bytea else { throw corrupt(index, "blob") }
        return bytes
    }

    func blobOrNil(_ index: Int32) throws -> [UInt8]? {
        isNull(index) ? nil : try blob(index)
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

    func isNull(_ index: Int32) -> Bool {
        result.isNull(row: row, column: index)
    }

    private func value(_ index: Int32, _ expected: String) throws -> [UInt8] {
        guard index < result.columnCount, !isNull(index) else { throw corrupt(index, expected) }
        return result.bytes(row: row, column: index)
    }

    private static func signedBigEndian(_ bytes: [UInt8]) -> Int64 {
        var value: UInt64 = 0
        for byte in bytes { value = value << 8 | UInt64(byte) }
        // Sign-extend values narrower than eight bytes (int2, int4).
        let shift = UInt64(64 - 8 * bytes.count)
        return Int64(bitPattern: value << shift) >> shift
    }

    private func corrupt(_ index: Int32, _ expected: String) -> StoreError {
        StoreError(.corrupt, "column \(index) is not a valid \(expected)")
    }
}

/// The type OIDs this store sends and reads (fixed in PostgreSQL's `pg_type.dat`).
enum PostgresType {
    static let bool: UInt32 = 16
    static let bytea: UInt32 = 17
    static let name: UInt32 = 19
    static let int8: UInt32 = 20
    static let int2: UInt32 = 21
    static let int4: UInt32 = 23
    static let text: UInt32 = 25
    static let float8: UInt32 = 701
    static let varchar: UInt32 = 1043
    static let texts: Set<UInt32> = [text, varchar, name]
}

/// One `PGresult`, cleared in `deinit`; read only by the thread that ran the statement.
final class PostgresResult {
    private let handle: OpaquePointer

    init(_ handle: OpaquePointer) {
        self.handle = handle
    }

    deinit {
        // Safety: the handle came from libpq, is owned by this object only and cleared once.
        PQclear(handle)
    }

    var rowCount: Int32 { PQntuples(handle) }
    var columnCount: Int32 { PQnfields(handle) }

    /// The number of rows an INSERT, UPDATE or DELETE changed; 0 for other commands.
    var changedRows: Int {
        // Safety: PQcmdTuples returns a string owned by the result, copied at once.
        guard let text = PQcmdTuples(handle) else { return 0 }
        return Int(String(cString: text)) ?? 0
    }

    func type(_ column: Int32) -> UInt32 {
        PQftype(handle, column)
    }

    func columnName(_ column: Int32) -> String {
        // Safety: the name is owned by the result and copied into a Swift string at once.
        PQfname(handle, column).map { String(cString: $0) } ?? ""
    }

    func isNull(row: Int32, column: Int32) -> Bool {
        PQgetisnull(handle, row, column) != 0
    }

    func bytes(row: Int32, column: Int32) -> [UInt8] {
        // Safety: the value pointer is owned by the result, valid while it lives, and holds
        // PQgetlength bytes; they are copied before returning.
        let count = Int(PQgetlength(handle, row, column))
        guard count > 0, let pointer = PQgetvalue(handle, row, column) else { return [] }
        return UnsafeRawBufferPointer(start: pointer, count: count).map { $0 }
    }
}
