extension PostgresStore {
    /// A canonical text dump of everything stored in the store's schema, as UTF-8 bytes, in the
    /// same shape as `SQLiteStore.stateDump()`, so tests can prove that a rejected call changed
    /// nothing by comparing dumps taken before and after.
    ///
    /// Covers every table of the current schema, sorted by name, then its rows sorted, one
    /// `table: column=value …` line each; leaves out `schema_migrations.applied_at` and the
    /// whole `audit_records` table (see the SQLite dump for why). Read in one repeatable-read
    /// snapshot. The dump holds stored hashes and sealed secrets: it is for tests, never logs.
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

    private func tableNames(_ connection: PostgresConnection) throws -> [String] {
        try connection.query(
            """
            SELECT relname::text FROM pg_class
            WHERE relkind = 'r' AND relnamespace = current_schema()::regnamespace AND relname <> 'audit_records'
            """
        ) { try $0.text(0) }.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    }

    private func rowLines(_ connection: PostgresConnection, table: String) throws -> [String] {
        // An identifier cannot be a bound parameter. The name comes from pg_class, not from a
        // caller, and is quoted with its own double quotes doubled.
        let quoted = "\"" + table.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        let result = try connection.unpreparedQuery("SELECT * FROM " + quoted)
        let columns = (0..<result.columnCount).map { ($0, result.columnName($0)) }
        var lines: [String] = []
        for row in 0..<result.rowCount {
            var fields: [String] = []
            for (index, name) in columns where !(table == "schema_migrations" && name == "applied_at") {
                fields.append(name + "=" + Self.render(PostgresRow(result: result, row: row), index))
            }
            lines.append(table + ": " + fields.joined(separator: " "))
        }
        return lines
    }

    /// One value, typed and length-prefixed so that no two different values render alike.
    private static func render(_ row: PostgresRow, _ index: Int32) -> String {
        if row.isNull(index) { return "null" }
        if let integer = try? row.int64(index) { return "i:\(integer)" }
        if let real = try? row.double(index) { return "r:\(real.bitPattern)" }
        let bytes = row.result.bytes(row: row.row, column: index)
        let kind = PostgresType.texts.contains(row.result.type(index)) ? "t" : "b"
        return kind + "\(bytes.count):" + hex(bytes)
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
