import Foundation
import StepgateCore
import Testing

@testable import StepgateServer
@testable import StepgateStore

/// The background writer: ordering, many threads, two writers on one store, and losses counted.
@Suite struct AuditLogTests {
    final class Fixture {
        let directory = NSTemporaryDirectory() + "stepgate-audit-" + UUID().uuidString
        let store: SQLiteStore
        let clock = InsecureTestClock(Date(timeIntervalSince1970: 1_800_000_000))
        let logs = InMemoryLogHandler()
        let metrics = Metrics()

        init() throws {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            store = try SQLiteStore(path: directory + "/audit.db")
        }

        func log(_ options: AuditLog.Options = AuditLog.Options()) -> AuditLog {
            AuditLog(
                store: store,
                clock: clock,
                logger: Logger(label: "test", handler: logs, minimumLevel: .trace),
                metrics: metrics,
                options: options
            )
        }

        func written() -> Int { metrics.value("stepgate_audit_records_total", [("outcome", "written")]) }

        deinit {
            store.close()
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    @Test func flush_writesQueuedEventsInOrderWithClockTimes() throws {
        let fixture = try Fixture()
        let log = fixture.log()

        for index in 0..<300 {
            log.record(.stepUpFailed, ["n": "\(index)"])
            fixture.clock.advance(by: 0.001)
        }
        log.flush()

        let records = try fixture.store.auditRecords(after: 0, limit: 1000)
        #expect(records.map { $0.fields["n"] } == (0..<300).map { "\($0)" })
        #expect(records.first?.timeMilliseconds == 1_800_000_000_000)
        #expect(records.last?.timeMilliseconds == 1_800_000_000_299)
        #expect(AuditChain.verify(records) == nil)
        #expect(fixture.written() == 300)
    }

    @Test func manyThreads_loseNothingAndKeepOneChain() throws {
        let fixture = try Fixture()
        var options = AuditLog.Options()
        options.capacity = 8
        options.batchSize = 4
        let log = fixture.log(options)

        DispatchQueue.concurrentPerform(iterations: 8) { thread in
            for index in 0..<50 { log.record(.codeIssued, ["t": "\(thread)", "n": "\(index)"]) }
        }
        log.flush()

        let records = try fixture.store.auditRecords(after: 0, limit: 1000)
        #expect(records.count == 400)
        #expect(AuditChain.verify(records) == nil)
        #expect(fixture.metrics.value("stepgate_audit_records_total", [("outcome", "dropped")]) == 0)
    }

    @Test func twoWritersOnOneStore_relinkInsteadOfForking() throws {
        let fixture = try Fixture()
        var options = AuditLog.Options()
        options.batchSize = 1
        options.maxAttempts = 1000
        let first = fixture.log(options)
        let second = fixture.log(options)

        DispatchQueue.concurrentPerform(iterations: 2) { writer in
            for index in 0..<100 { (writer == 0 ? first : second).record(.tokensIssued, ["n": "\(index)"]) }
        }
        first.flush()
        second.flush()

        let records = try fixture.store.auditRecords(after: 0, limit: 1000)
        #expect(records.count == 200)
        #expect(AuditChain.verify(records) == nil)
        #expect(fixture.written() == 200)
    }

    @Test func fullQueue_dropsAndCountsWhatDoesNotFit() throws {
        let fixture = try Fixture()
        var options = AuditLog.Options()
        options.capacity = 1
        options.blockLimit = 0
        let log = fixture.log(options)
        // Another connection holds the write lock, so the writer blocks on its first batch: it
        // can hold one event and the queue one more, so of three events at least one is dropped.
        let holder = try SQLiteConnection(path: fixture.directory + "/audit.db")
        try holder.execute("BEGIN IMMEDIATE", "hold the write lock")

        for _ in 0..<3 { log.record(.flowStarted, [:]) }
        try holder.execute("COMMIT", "release the write lock")
        log.flush()

        let dropped = fixture.metrics.value("stepgate_audit_records_total", [("outcome", "dropped")])
        #expect(dropped >= 1)
        #expect(fixture.written() + dropped == 3)
        #expect(AuditChain.verify(try fixture.store.auditRecords(after: 0, limit: 10)) == nil)
        #expect(fixture.logs.entries.contains { $0.message == "audit record dropped" })
    }

    @Test func close_writesQueueThenDropsLaterEventsCounted() throws {
        let fixture = try Fixture()
        let log = fixture.log()
        log.record(.sessionEnded, [:])

        log.close()
        log.close()
        log.record(.sessionEnded, [:])

        #expect(try fixture.store.auditRecords(after: 0, limit: 10).count == 1)
        #expect(fixture.metrics.value("stepgate_audit_records_total", [("outcome", "dropped")]) == 1)
        #expect(fixture.logs.entries.contains { $0.message == "audit record dropped" && $0.level == .error })
    }

    @Test func failingStore_countsFailedBatchAndLogsError() throws {
        let fixture = try Fixture()
        let log = fixture.log()
        fixture.store.close()

        log.record(.flowStarted, [:])
        log.record(.flowStarted, [:])
        log.flush()

        #expect(fixture.metrics.value("stepgate_audit_records_total", [("outcome", "failed")]) == 2)
        let entry = fixture.logs.entries.first { $0.message == "audit records not written" }
        #expect(entry?.level == .error)
        #expect(entry?.metadata[LogKey.error] == "unavailable")
    }

    @Test func gatheringWriter_flushAndClose_writeAtOnce_notAfterTheWindow() throws {
        let fixture = try Fixture()
        var options = AuditLog.Options()
        options.gatherWindow = 30
        let log = fixture.log(options)
        let start = ContinuousClock.now

        for index in 0..<3 { log.record(.codeIssued, ["n": "\(index)"]) }
        log.flush()
        #expect(try fixture.store.auditRecords(after: 0, limit: 10).count == 3)
        for index in 3..<5 { log.record(.codeIssued, ["n": "\(index)"]) }
        log.close()

        let records = try fixture.store.auditRecords(after: 0, limit: 10)
        #expect(records.map { $0.fields["n"] } == (0..<5).map { "\($0)" })
        #expect(AuditChain.verify(records) == nil)
        #expect(ContinuousClock.now - start < .seconds(10))
    }

    @Test func gatheringWriter_manyThreads_loseNothing() throws {
        let fixture = try Fixture()
        var options = AuditLog.Options()
        options.capacity = 16
        options.batchSize = 8
        options.gatherWindow = 0.002
        let log = fixture.log(options)

        DispatchQueue.concurrentPerform(iterations: 4) { thread in
            for index in 0..<100 { log.record(.codeIssued, ["t": "\(thread)", "n": "\(index)"]) }
        }
        log.close()

        let records = try fixture.store.auditRecords(after: 0, limit: 1000)
        #expect(records.count == 400)
        #expect(AuditChain.verify(records) == nil)
        #expect(fixture.written() == 400)
    }

    @Test func resumesChainStoredByEarlierRun() throws {
        let fixture = try Fixture()
        let earlier = fixture.log()
        earlier.record(.flowStarted, [:])
        earlier.close()

        let later = fixture.log()
        later.record(.sessionEnded, [:])
        later.flush()

        let records = try fixture.store.auditRecords(after: 0, limit: 10)
        #expect(records.map(\.sequence) == [1, 2])
        #expect(AuditChain.verify(records) == nil)
    }
}
