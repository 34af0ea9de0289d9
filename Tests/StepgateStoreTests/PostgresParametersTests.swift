import Foundation
import Testing

@testable import StepgateStore

/// What the PostgreSQL store decides without a server: connection strings and statement text.
struct PostgresParametersTests {
    @Test
    func parameters_neverShowThePassword() throws {
        let parameters = try PostgresParameters("postgres://stepgate:hunter2-secret@db.example:5433/stepgate")

        #expect(parameters.redacted == "user=stepgate dbname=stepgate host=db.example port=5433")
        #expect(!"\(parameters)".contains("hunter2"))
        #expect(!String(reflecting: parameters).contains("hunter2"))
        var dumped = ""
        dump(parameters, to: &dumped)
        #expect(!dumped.contains("hunter2"))
        let error = #expect(throws: StoreError.self) {
            try PostgresParameters("postgres://stepgate:hunter2-%zz@db.example/stepgate")
        }
        #expect(error.map { "\($0)" }?.contains("hunter2") == false)
    }

    @Test
    func numberedParameters_rewritesOnlyParametersOutsideQuotes() {
        let sql = #"SELECT '?1', "a?2" FROM t WHERE x = ?1 AND y IN (?2, ?10) AND z::text = '?'"#

        #expect(
            PostgresConnection.numberedParameters(sql)
                == #"SELECT '?1', "a?2" FROM t WHERE x = $1 AND y IN ($2, $10) AND z::text = '?'"#
        )
    }

    @Test
    func migrations_matchTheSQLiteVersions() {
        #expect(PostgresMigration.all.map(\.version) == SQLiteMigration.all.map(\.version))
    }
}
