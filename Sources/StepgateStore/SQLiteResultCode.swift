internal import CSQLite

/// SQLite result codes that the C header defines as expressions Swift cannot import.
///
/// Values follow the definitions in sqlite3.h (`primary | (n << 8)`), which SQLite keeps stable.
enum SQLiteResultCode {
    static let constraintForeignKey: Int32 = SQLITE_CONSTRAINT | (3 << 8)
    static let constraintPrimaryKey: Int32 = SQLITE_CONSTRAINT | (6 << 8)
    static let constraintUnique: Int32 = SQLITE_CONSTRAINT | (8 << 8)

    /// Maps an extended result code to a `StoreError`, keeping the code.
    ///
    /// `operation` is a fixed phrase naming what failed; the SQLite message is not used, since
    /// only its generic text (`sqlite3_errstr`) is guaranteed to hold no stored value.
    static func error(_ extendedCode: Int32, _ operation: String) -> StoreError {
        let detail = "\(operation): \(genericText(extendedCode))"
        switch extendedCode {
        case constraintUnique, constraintPrimaryKey:
            return StoreError(.conflict, detail, engineCode: extendedCode)
        case constraintForeignKey:
            // The protocol has no code for a missing referenced row; it is a write refused
            // because of what is stored, which is closest to a conflict.
            return StoreError(.conflict, detail, engineCode: extendedCode)
        default:
            break
        }
        switch extendedCode & 0xFF {
        case SQLITE_CORRUPT, SQLITE_NOTADB, SQLITE_FORMAT, SQLITE_MISMATCH:
            return StoreError(.corrupt, detail, engineCode: extendedCode)
        default:
            // BUSY, LOCKED, IOERR, CANTOPEN, FULL, READONLY, PERM, NOMEM and anything
            // unexpected: the database could not do the work, so the caller answers 5xx.
            return StoreError(.unavailable, detail, engineCode: extendedCode)
        }
    }

    private static func genericText(_ code: Int32) -> String {
        // Safety: sqlite3_errstr returns a static, NUL-terminated English string for any code.
        guard let text = sqlite3_errstr(code) else { return "unknown error" }
        return String(cString: text)
    }
}
