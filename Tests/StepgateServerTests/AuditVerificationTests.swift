import Foundation
import StepgateCore
import Testing

@testable import StepgateServer
@testable import StepgateStore

/// Whole-log verification over a store, paged, with each kind of damage.
@Suite struct AuditVerificationTests {
    /// A store holding `count` chained records.
    static func fixture(_ count: Int) throws -> AuditLogTests.Fixture {
        let fixture = try AuditLogTests.Fixture()
        var last: AuditRecord?
        var records: [AuditRecord] = []
        for index in 1...count {
            let event = AuditEvent(kind: .flowStarted, time: fixture.clock.now, fields: ["n": "\(index)"])
            let record = AuditChain.link(event, after: last)
            records.append(record)
            last = record
        }
        try fixture.store.appendAudit(records)
        return fixture
    }

    static func tamper(_ fixture: AuditLogTests.Fixture, _ sql: String) throws {
        let database = try SQLiteConnection(path: fixture.directory + "/audit.db")
        try database.run("DROP TRIGGER IF EXISTS audit_records_no_update")
        try database.run("DROP TRIGGER IF EXISTS audit_records_no_delete")
        try database.run(sql)
    }

    @Test(arguments: [1, 3, 1000])
    func verify_acceptsIntactLogAcrossPages(pageSize: Int) throws {
        let fixture = try Self.fixture(10)

        let result = try AuditVerification.verify(fixture.store, pageSize: pageSize)

        #expect(result == AuditVerification.Result(intactCount: 10, broken: nil))
    }

    @Test func verify_namesEditedRecord() throws {
        let fixture = try Self.fixture(10)
        try Self.tamper(fixture, #"UPDATE audit_records SET fields = '{"n":"x"}' WHERE seq = 7"#)

        let result = try AuditVerification.verify(fixture.store, pageSize: 3)

        #expect(result.broken == AuditChainBreak(sequence: 7, reason: .hashMismatch))
        #expect(result.intactCount == 6)
    }

    @Test func verify_namesRecordAfterDeletedOne() throws {
        let fixture = try Self.fixture(5)
        try Self.tamper(fixture, "DELETE FROM audit_records WHERE seq = 3")

        let result = try AuditVerification.verify(fixture.store)

        #expect(result.broken == AuditChainBreak(sequence: 4, reason: .sequenceGap(expected: 3)))
    }

    @Test func verify_namesUnreadableRowAfterCheckingThoseBefore() throws {
        let fixture = try Self.fixture(8)
        try Self.tamper(fixture, "UPDATE audit_records SET fields = 'not json' WHERE seq = 6")

        #expect(
            try AuditVerification.verify(fixture.store, pageSize: 4).broken
                == AuditChainBreak(sequence: 6, reason: .unreadable)
        )
        try Self.tamper(fixture, #"UPDATE audit_records SET kind = 'edited' WHERE seq = 5"#)
        #expect(
            try AuditVerification.verify(fixture.store, pageSize: 100).broken
                == AuditChainBreak(sequence: 5, reason: .hashMismatch)
        )
    }
}
