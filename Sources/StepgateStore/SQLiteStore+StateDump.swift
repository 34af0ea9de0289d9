internal import CSQLite

extension SQLiteStore {
    /// A canonical text dump of everything stored, as UTF-8 bytes, so tests can prove that a
    /// rejected call changed nothing by comparing dumps taken before and after.
    ///
    /// Covers every table, sorted by name, then its rows sorted, one `table: column=value …`
    /// line each; leaves out `schema_migrations.applied_at` (the time a migration ran) and the
    /// whole `audit_records` table: a rejected request adds an audit record by design, and
    /// "rejected requests leave the store unchanged" is about the state they could abuse. The
    /// dump holds stored hashes and sealed secrets: it is for tests, never for logs.
    public func stateDump() throws -> [UInt8] {
        try withConnection { connection in
            try connection.readTransaction {
                var dump = ""
                for table in try tableNames(connection) {
                    dump += "table \(table)\n"
                    for line in try rowLines(connection, table: table).sorted() {
                        dump += line + "\n"
                    }
                }
                return Array(dump.utf8)
            }
        }
    }

    private func tableNames(_ connection: SQLiteConnection) throws -> [String] {
        try connection.query(
            """
            SELECT name FROM sqlite_schema
            WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name <> 'audit_records'
            ORDER BY name
            """
        ) { try $0.text(0) }
    }

    private func rowLines(_ connection: SQLiteConnection, table: String) throws -> [String] {
        // An identifier cannot be a bound parameter. The name comes from sqlite_schema, not
        // from a caller, and is quoted with its own double quotes doubled.
        let quoted = "\"" + table.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        let statement = try connection.uncachedStatement("SELECT * FROM " + quoted)
        defer { statement.reset() }
        let columns = (0..<statement.columnCount).map { ($0, statement.columnName($0)) }
        var lines: [String] = []
        while try statement.step() {
            var fields: [String] = []
            for (index, name) in columns where !(table == "schema_migrations" && name == "applied_at") {
                fields.append(name + "=" + Self.render(statement, index))
            }
            lines.append(table + ": " + fields.joined(separator: " "))
        }
        return lines
    }

    /// One value, typed and length-prefixed so that no two different values render alike.
    private static func render(_ statement: SQLiteStatement, _ index: Int32) -> String {
        switch statement.columnType(index) {
        case SQLITE_NULL:
            return "null"
        case SQLITE_INTEGER:
            return "i:\(statement.int64(index))"
        case SQLITE_FLOAT:
            return "r:\(statement.double(index).bitPattern)"
        case SQLITE_TEXT:
            let bytes = statement.blob(index)
            return "t\(bytes.count):" + hex(bytes)
        default:
            let bytes = statement.blob(index)
            return "b\(bytes.count):" + hex(bytes)
        }
    }

    private static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef")
        var text = ""
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return text
    }
}
