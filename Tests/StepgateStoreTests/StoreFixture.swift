import Foundation
import Synchronization
import Testing

@testable import StepgateStore

/// The store implementations the contract suite runs on.
///
/// `postgres` runs only when `STEPGATE_TEST_POSTGRES` holds a libpq URL or conninfo of a server
/// the tests may create schemas in (`scripts/with-postgres.sh` starts one and sets it; `make
/// test` always does); without it, no PostgreSQL cases are generated.
enum StoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgres

    static var allCases: [StoreKind] {
        PostgresTestServer.connectionString == nil ? [.sqlite] : [.sqlite, .postgres]
    }

    var testDescription: String { rawValue }
}

/// The PostgreSQL server named by `STEPGATE_TEST_POSTGRES`, and fresh schemas in it.
enum PostgresTestServer {
    static var connectionString: String? {
        ProcessInfo.processInfo.environment["STEPGATE_TEST_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The server's parameters as given, for connections that create and drop schemas.
    static func adminParameters() throws -> PostgresParameters {
        guard let connectionString else { throw StoreError(.unavailable, "STEPGATE_TEST_POSTGRES is not set") }
        return try PostgresParameters(connectionString)
    }

    /// Creates an empty schema with a unique name and returns it with parameters that make it
    /// the only schema on the connection's search path.
    static func freshSchema() throws -> (name: String, parameters: PostgresParameters) {
        let name = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let admin = try PostgresConnection(adminParameters())
        // The name is made of hex digits and an underscore only; an identifier cannot be bound.
        try admin.execute("CREATE SCHEMA " + name, "create test schema")
        var parameters = try adminParameters()
        parameters.overrides["options"] = "-c search_path=" + name
        return (name, parameters)
    }

    static func dropSchema(_ name: String) {
        guard let admin = try? PostgresConnection(adminParameters()) else { return }
        try? admin.execute("DROP SCHEMA " + name + " CASCADE", "drop test schema")
    }
}

/// A fresh, empty store for one test, removed again when the fixture goes.
final class StoreFixture {
    let store: any Store
    /// The SQLite store itself, when `kind` is `.sqlite`.
    let sqlite: SQLiteStore?
    /// The PostgreSQL store itself and its schema, when `kind` is `.postgres`.
    let postgres: PostgresStore?
    let schema: String?
    let directory: URL

    init(_ kind: StoreKind, poolSize: Int = 4) throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("stepgate-store-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: false)
        switch kind {
        case .sqlite:
            let sqlite = try SQLiteStore(path: Self.databasePath(in: directory), poolSize: poolSize)
            self.sqlite = sqlite
            self.postgres = nil
            self.schema = nil
            self.store = sqlite
        case .postgres:
            let (schema, parameters) = try PostgresTestServer.freshSchema()
            self.schema = schema
            do {
                let postgres = try PostgresStore(parameters, poolSize: poolSize)
                self.postgres = postgres
                self.store = postgres
            } catch {
                PostgresTestServer.dropSchema(schema)
                throw error
            }
            self.sqlite = nil
        }
    }

    static func databasePath(in directory: URL) -> String {
        directory.appendingPathComponent("stepgate.sqlite").path
    }

    deinit {
        sqlite?.close()
        postgres?.close()
        if let schema { PostgresTestServer.dropSchema(schema) }
        try? FileManager.default.removeItem(at: directory)
    }

    /// The store's state dump, when it can make one.
    func stateDump() throws -> [UInt8]? {
        if let sqlite { return try sqlite.stateDump() }
        if let postgres { return try postgres.stateDump() }
        return nil
    }

    /// Runs `body` and expects the stored state to be the same afterwards, for stores that can
    /// dump their state; other stores just run `body`.
    func expectUnchanged(
        sourceLocation: SourceLocation = #_sourceLocation,
        _ body: () throws -> Void
    ) throws {
        let before = try stateDump().map(Self.lines) ?? []
        try body()
        let after = try stateDump().map(Self.lines) ?? []
        #expect(before.subtracting(after).sorted() == [], "rows removed or changed", sourceLocation: sourceLocation)
        #expect(after.subtracting(before).sorted() == [], "rows added or changed", sourceLocation: sourceLocation)
    }

    private static func lines(_ dump: [UInt8]) -> Set<String> {
        Set(String(decoding: dump, as: UTF8.self).split(separator: "\n").map(String.init))
    }
}

/// Starts `count` threads at once, each calling `body` with its index, and waits for all.
///
/// Returns how many calls returned true, and the errors thrown. More threads than pooled
/// connections also exercises waiting for a connection.
func race(_ count: Int = 8, _ body: @escaping @Sendable (Int) throws -> Bool) -> (wins: Int, errors: [String]) {
    let tally = RaceTally()
    let gate = DispatchSemaphore(value: 0)
    let group = DispatchGroup()
    for index in 0..<count {
        group.enter()
        let thread = Thread {
            gate.wait()
            do {
                if try body(index) { tally.wins.add(1, ordering: .relaxed) }
            } catch {
                tally.errors.withLock { $0.append("\(error)") }
            }
            group.leave()
        }
        thread.start()
    }
    for _ in 0..<count { gate.signal() }
    group.wait()
    return (tally.wins.load(ordering: .relaxed), tally.errors.withLock { $0 })
}

private final class RaceTally: Sendable {
    let wins = Atomic<Int>(0)
    let errors = Mutex<[String]>([])
}
