import Foundation
import Synchronization
import Testing

@testable import StepgateStore

/// The store implementations the contract suite runs on. A PostgreSQL store joins by adding
/// a case here and a branch in `StoreFixture.init`.
enum StoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite

    var testDescription: String { rawValue }
}

/// A fresh, empty store for one test, removed again when the fixture goes.
final class StoreFixture {
    let store: any Store
    /// The SQLite store itself, when `kind` is `.sqlite`.
    let sqlite: SQLiteStore?
    let directory: URL

    init(_ kind: StoreKind, poolSize: Int = 4) throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("stepgate-store-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: false)
        switch kind {
        case .sqlite:
            let sqlite = try SQLiteStore(path: Self.databasePath(in: directory), poolSize: poolSize)
            self.sqlite = sqlite
            self.store = sqlite
        }
    }

    static func databasePath(in directory: URL) -> String {
        directory.appendingPathComponent("stepgate.sqlite").path
    }

    deinit {
        sqlite?.close()
        try? FileManager.default.removeItem(at: directory)
    }

    /// Runs `body` and expects the stored state to be the same afterwards, for stores that can
    /// dump their state; other stores just run `body`.
    func expectUnchanged(
        sourceLocation: SourceLocation = #_sourceLocation,
        _ body: () throws -> Void
    ) throws {
        let before = try sqlite.map { try Self.lines($0.stateDump()) } ?? []
        try body()
        let after = try sqlite.map { try Self.lines($0.stateDump()) } ?? []
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
