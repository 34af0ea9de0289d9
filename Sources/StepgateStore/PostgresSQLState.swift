/// PostgreSQL error codes (SQLSTATE, five characters) and how they become `StoreError`s.
///
/// `StoreError.engineCode` holds the SQLSTATE packed the way PostgreSQL packs it internally
/// (`MAKE_SQLSTATE`: six bits per character, first character lowest), so it fits an `Int32`;
/// the detail text names the SQLSTATE as text as well.
enum PostgresSQLState {
    static let uniqueViolation = "23505"
    static let foreignKeyViolation = "23503"

    /// Maps a SQLSTATE to a `StoreError`. `operation` is a fixed phrase naming what failed.
    ///
    /// The server's message is not used: it can quote stored values ("Key (name)=(alice)").
    static func error(_ sqlState: String?, _ operation: String) -> StoreError {
        guard let sqlState, sqlState.utf8.count == 5 else {
            // No SQLSTATE: the connection failed before or while the server answered.
            return StoreError(.unavailable, "\(operation): no answer from the database server")
        }
        let detail = "\(operation): SQLSTATE \(sqlState)"
        let code = packed(sqlState)
        switch sqlState {
        case uniqueViolation, foreignKeyViolation:
            // A foreign key violation is a write refused because of what is stored, as in the
            // SQLite store: closest to a conflict.
            return StoreError(.conflict, detail, engineCode: code)
        case "XX001", "XX002":
            // data_corrupted, index_corrupted
            return StoreError(.corrupt, detail, engineCode: code)
        default:
            // Connection loss (class 08), shutdown (57P01-57P03), serialization failures and
            // deadlocks (40xxx), out of resources (53xxx) and anything unexpected: the database
            // could not do the work, so the caller answers 5xx.
            return StoreError(.unavailable, detail, engineCode: code)
        }
    }

    /// PostgreSQL's `MAKE_SQLSTATE` packing of a five-character code.
    static func packed(_ sqlState: String) -> Int32 {
        var value: Int32 = 0
        for (index, byte) in sqlState.utf8.prefix(5).enumerated() {
            value |= (Int32(byte &- 48) & 0x3F) << (6 * Int32(index))
        }
        return value
    }
}
