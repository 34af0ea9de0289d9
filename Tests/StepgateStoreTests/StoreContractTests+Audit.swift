import Foundation
import StepgateCore
import Testing

@testable import StepgateStore

/// The audit log: append-only, chain-checked appends, and reads in order.
extension StoreContractTests {
    static func auditEvent(_ index: Int) -> AuditEvent {
        AuditEvent(
            kind: .stepUpFailed,
            time: Sample.at(TimeInterval(index) + 0.25),
            fields: [AuditKey.subject: "user-\(index)", AuditKey.reason: "wrong_code", "ü.key": "value \"\(index)\""]
        )
    }

    /// `count` records linked after `previous`.
    static func auditChain(_ count: Int, after previous: AuditRecord? = nil, from first: Int = 1) -> [AuditRecord] {
        var records: [AuditRecord] = []
        var last = previous
        for index in first..<(first + count) {
            let record = AuditChain.link(auditEvent(index), after: last)
            records.append(record)
            last = record
        }
        return records
    }

    @Test(arguments: StoreKind.allCases)
    func appendAudit_roundTripsEveryFieldInOrder(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        let records = Self.auditChain(5)

        try fixture.store.appendAudit(Array(records[0..<2]))
        try fixture.store.appendAudit(Array(records[2...]))

        #expect(try fixture.store.auditRecords(after: 0, limit: 100) == records)
        #expect(try fixture.store.auditRecords(after: 2, limit: 2) == Array(records[2..<4]))
        #expect(try fixture.store.lastAuditRecords(count: 2) == Array(records[3...]))
        #expect(try fixture.store.lastAuditRecords(count: 50) == records)
        #expect(try fixture.store.lastAuditRecord() == records[4])
        #expect(AuditChain.verify(try fixture.store.auditRecords(after: 0, limit: 100)) == nil)
    }

    @Test(arguments: StoreKind.allCases)
    func auditReads_onEmptyLogReturnNothing(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)

        try fixture.store.appendAudit([])

        #expect(try fixture.store.lastAuditRecord() == nil)
        #expect(try fixture.store.lastAuditRecords(count: 5) == [])
        #expect(try fixture.store.auditRecords(after: 0, limit: 5) == [])
        #expect(try fixture.store.auditRecords(after: 0, limit: -1) == [])
    }

    @Test(arguments: StoreKind.allCases)
    func appendAudit_rejectsFirstRecordNotAtGenesis(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        var wrongStart = Self.auditChain(1)[0]
        wrongStart.previousHash = String(repeating: "1", count: 64)
        wrongStart.hash = AuditChain.hash(wrongStart)

        try Self.expectAuditConflict(fixture, [wrongStart])
        try Self.expectAuditConflict(fixture, Array(Self.auditChain(3)[1...]))
    }

    @Test(arguments: StoreKind.allCases)
    func appendAudit_rejectsSequenceThatExists(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        let records = Self.auditChain(2)
        try fixture.store.appendAudit(records)

        // A second writer that linked after record 1 must not fork the chain at 2.
        let fork = AuditChain.link(Self.auditEvent(9), after: records[0])
        try Self.expectAuditConflict(fixture, [fork])
        try Self.expectAuditConflict(fixture, records)
    }

    @Test(arguments: StoreKind.allCases)
    func appendAudit_rejectsGapAndWrongPreviousHash(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        let records = Self.auditChain(4)
        try fixture.store.appendAudit(Array(records[0..<2]))

        try Self.expectAuditConflict(fixture, [records[3]])
        var unlinked = AuditChain.link(Self.auditEvent(3), afterSequence: 2, previousHash: AuditChain.genesis)
        unlinked.hash = AuditChain.hash(unlinked)
        try Self.expectAuditConflict(fixture, [unlinked])
    }

    @Test(arguments: StoreKind.allCases)
    func appendAudit_rejectsWrongHashAndKeepsWholeBatchOut(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        var records = Self.auditChain(3)
        records[2].fields[AuditKey.subject] = "someone-else"

        try Self.expectAuditConflict(fixture, records)
        #expect(try fixture.store.lastAuditRecord() == nil)
    }

    @Test(arguments: StoreKind.allCases)
    func appendAudit_racingWritersNeverFork(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        let store = fixture.store
        try store.appendAudit(Self.auditChain(1))
        let head = try #require(try store.lastAuditRecord())

        // Every writer links its own record after the same head: exactly one may land.
        let outcome = race(8) { index in
            do {
                try store.appendAudit([AuditChain.link(Self.auditEvent(100 + index), after: head)])
                return true
            } catch let error as StoreError where error.code == .conflict {
                return false
            }
        }

        #expect(outcome.wins == 1)
        #expect(outcome.errors == [])
        let all = try store.auditRecords(after: 0, limit: 100)
        #expect(all.count == 2)
        #expect(AuditChain.verify(all) == nil)
    }

    private static func expectAuditConflict(
        _ fixture: StoreFixture,
        _ records: [AuditRecord],
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let before = try fixture.store.auditRecords(after: 0, limit: 1000)
        let error = #expect(throws: StoreError.self, sourceLocation: sourceLocation) {
            try fixture.store.appendAudit(records)
        }
        #expect(error?.code == .conflict, sourceLocation: sourceLocation)
        #expect(try fixture.store.auditRecords(after: 0, limit: 1000) == before, sourceLocation: sourceLocation)
    }
}
