import Foundation
import Synchronization
import Testing

@testable import StepgateStore

// The outbox: enqueue, leased claims, settling with the lease, counts.
extension StoreContractTests {
    static func outboxMessage(_ id: String = "msg-1", dueIn offset: TimeInterval = 0) -> OutboxRecord {
        OutboxRecord(
            id: id,
            channel: "email",
            purpose: "otp",
            sealedPayload: [0x00, 0x01, 0xFE, 0xFF] + Array(id.utf8),
            nextAttemptAt: Sample.at(offset),
            createdAt: Sample.at(-10)
        )
    }

    /// A store with `ids` enqueued, each due now.
    static func outboxFixture(_ kind: StoreKind, _ ids: [String] = ["msg-1"]) throws -> StoreFixture {
        let fixture = try StoreFixture(kind)
        for id in ids { try fixture.store.insertOutboxMessage(outboxMessage(id)) }
        return fixture
    }

    @Test(arguments: StoreKind.allCases)
    func insertOutboxMessage_roundTripsEveryField(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        var settled = Self.outboxMessage("msg-2")
        settled.sealedPayload = nil
        settled.state = .failed
        settled.attempts = 3
        settled.leaseToken = "lease-x"
        settled.leaseUntil = Sample.at(60)
        settled.sentAt = Sample.at(5)
        settled.lastError = "timed_out"
        try fixture.store.insertOutboxMessage(Self.outboxMessage())
        try fixture.store.insertOutboxMessage(settled)

        #expect(try fixture.store.outboxMessage(id: "msg-1") == Self.outboxMessage())
        #expect(try fixture.store.outboxMessage(id: "msg-2") == settled)
        #expect(try fixture.store.outboxMessage(id: "msg-9") == nil)
    }

    @Test(arguments: StoreKind.allCases)
    func insertOutboxMessage_rejectsTakenID(kind: StoreKind) throws {
        let fixture = try Self.outboxFixture(kind)

        try fixture.expectUnchanged { () throws in
            let error = #expect(throws: StoreError.self) {
                try fixture.store.insertOutboxMessage(Self.outboxMessage())
            }
            #expect(error?.code == .conflict)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func claimOutboxMessages_leasesDueMessagesEarliestFirst(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        try fixture.store.insertOutboxMessage(Self.outboxMessage("late", dueIn: -5))
        try fixture.store.insertOutboxMessage(Self.outboxMessage("early", dueIn: -50))
        try fixture.store.insertOutboxMessage(Self.outboxMessage("future", dueIn: 1))
        try fixture.store.insertOutboxMessage(Self.outboxMessage("now", dueIn: 0))

        let claimed = try fixture.store.claimOutboxMessages(
            limit: 2,
            now: Sample.now,
            leaseToken: "lease-1",
            leaseUntil: Sample.at(60)
        )

        #expect(claimed.map(\.id) == ["early", "late"])
        #expect(claimed.allSatisfy { $0.leaseToken == "lease-1" && $0.leaseUntil == Sample.at(60) })
        #expect(claimed.first?.sealedPayload == Self.outboxMessage("early").sealedPayload)
        let rest = try fixture.store.claimOutboxMessages(
            limit: 10,
            now: Sample.now,
            leaseToken: "lease-2",
            leaseUntil: Sample.at(60)
        )
        #expect(rest.map(\.id) == ["now"])
    }

    @Test(arguments: StoreKind.allCases)
    func claimOutboxMessages_skipsLeasedUntilTheLeaseEnds(kind: StoreKind) throws {
        let fixture = try Self.outboxFixture(kind)
        let store = fixture.store
        _ = try store.claimOutboxMessages(limit: 1, now: Sample.now, leaseToken: "a", leaseUntil: Sample.at(60))

        try fixture.expectUnchanged { () throws in
            #expect(
                try store.claimOutboxMessages(limit: 1, now: Sample.at(59), leaseToken: "b", leaseUntil: Sample.at(120))
                    == []
            )
        }
        let reclaimed = try store.claimOutboxMessages(
            limit: 1,
            now: Sample.at(60),
            leaseToken: "b",
            leaseUntil: Sample.at(120)
        )
        #expect(reclaimed.map(\.leaseToken) == ["b"])
    }

    @Test(arguments: StoreKind.allCases)
    func claimOutboxMessages_claimsNothingSettledOrWithZeroLimit(kind: StoreKind) throws {
        let fixture = try Self.outboxFixture(kind, ["sent", "failed"])
        let store = fixture.store
        _ = try store.claimOutboxMessages(limit: 2, now: Sample.now, leaseToken: "a", leaseUntil: Sample.at(1))
        #expect(try store.markOutboxSent(id: "sent", leaseToken: "a", at: Sample.now))
        #expect(try store.markOutboxFailed(id: "failed", leaseToken: "a", error: "rejected"))

        try fixture.expectUnchanged { () throws in
            #expect(
                try store.claimOutboxMessages(limit: 5, now: Sample.at(99), leaseToken: "b", leaseUntil: Sample.at(200))
                    == []
            )
            #expect(
                try store.claimOutboxMessages(limit: 0, now: Sample.at(99), leaseToken: "b", leaseUntil: Sample.at(200))
                    == []
            )
        }
    }

    @Test(arguments: StoreKind.allCases)
    func claimOutboxMessages_racingClaimersNeverShareAMessage(kind: StoreKind) throws {
        let ids = (0..<40).map { "msg-\($0)" }
        let fixture = try Self.outboxFixture(kind, ids)
        let store = fixture.store
        let seen = ClaimLedger()

        let outcome = race(8) { worker in
            var got = 0
            while true {
                let batch = try store.claimOutboxMessages(
                    limit: 3,
                    now: Sample.now,
                    leaseToken: "worker-\(worker)",
                    leaseUntil: Sample.at(60)
                )
                if batch.isEmpty { return got > 0 }
                seen.add(batch.map(\.id), by: "worker-\(worker)")
                got += batch.count
            }
        }

        #expect(outcome.errors == [])
        #expect(seen.ids.sorted() == ids.sorted(), "each message claimed exactly once")
        for (id, holder) in seen.holders {
            #expect(try store.outboxMessage(id: id)?.leaseToken == holder)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func markOutboxSent_erasesPayloadAndReleasesLease(kind: StoreKind) throws {
        let fixture = try Self.outboxFixture(kind)
        _ = try fixture.store.claimOutboxMessages(limit: 1, now: Sample.now, leaseToken: "a", leaseUntil: Sample.at(60))

        #expect(try fixture.store.markOutboxSent(id: "msg-1", leaseToken: "a", at: Sample.at(3)))

        var expected = Self.outboxMessage()
        expected.state = .sent
        expected.sentAt = Sample.at(3)
        expected.sealedPayload = nil
        #expect(try fixture.store.outboxMessage(id: "msg-1") == expected)
    }

    @Test(arguments: StoreKind.allCases)
    func markOutboxSent_acceptsTheHolderAfterTheLeaseEnded(kind: StoreKind) throws {
        let fixture = try Self.outboxFixture(kind)
        _ = try fixture.store.claimOutboxMessages(limit: 1, now: Sample.now, leaseToken: "a", leaseUntil: Sample.at(60))

        #expect(try fixture.store.markOutboxSent(id: "msg-1", leaseToken: "a", at: Sample.at(90)))
    }

    @Test(arguments: StoreKind.allCases)
    func settling_refusesAnotherLeaseWithoutChange(kind: StoreKind) throws {
        let fixture = try Self.outboxFixture(kind)
        let store = fixture.store
        _ = try store.claimOutboxMessages(limit: 1, now: Sample.now, leaseToken: "a", leaseUntil: Sample.at(60))
        _ = try store.claimOutboxMessages(limit: 1, now: Sample.at(60), leaseToken: "b", leaseUntil: Sample.at(120))

        try fixture.expectUnchanged { () throws in
            #expect(try store.markOutboxSent(id: "msg-1", leaseToken: "a", at: Sample.at(61)) == false)
            #expect(
                try store.rescheduleOutboxMessage(
                    id: "msg-1",
                    leaseToken: "a",
                    nextAttemptAt: Sample.at(99),
                    error: "x"
                )
                    == false
            )
            #expect(try store.markOutboxFailed(id: "msg-1", leaseToken: "a", error: "x") == false)
        }
        #expect(try store.markOutboxSent(id: "msg-1", leaseToken: "b", at: Sample.at(61)))
    }

    @Test(arguments: StoreKind.allCases)
    func settling_refusesUnclaimedUnknownAndSettledMessagesWithoutChange(kind: StoreKind) throws {
        let fixture = try Self.outboxFixture(kind, ["msg-1", "msg-2"])
        let store = fixture.store
        _ = try store.claimOutboxMessages(limit: 1, now: Sample.now, leaseToken: "a", leaseUntil: Sample.at(60))
        #expect(try store.markOutboxSent(id: "msg-1", leaseToken: "a", at: Sample.now))

        try fixture.expectUnchanged { () throws in
            for id in ["msg-1", "msg-2", "msg-9"] {
                #expect(try store.markOutboxSent(id: id, leaseToken: "a", at: Sample.at(1)) == false, "\(id)")
                #expect(
                    try store.rescheduleOutboxMessage(id: id, leaseToken: "a", nextAttemptAt: Sample.at(9), error: "x")
                        == false,
                    "\(id)"
                )
                #expect(try store.markOutboxFailed(id: id, leaseToken: "a", error: "x") == false, "\(id)")
            }
        }
    }

    @Test(arguments: StoreKind.allCases)
    func rescheduleOutboxMessage_countsTheAttemptAndReleasesTheLease(kind: StoreKind) throws {
        let fixture = try Self.outboxFixture(kind)
        let store = fixture.store
        _ = try store.claimOutboxMessages(limit: 1, now: Sample.now, leaseToken: "a", leaseUntil: Sample.at(60))

        #expect(
            try store.rescheduleOutboxMessage(
                id: "msg-1",
                leaseToken: "a",
                nextAttemptAt: Sample.at(30),
                error: "timed_out"
            )
        )

        var expected = Self.outboxMessage()
        expected.attempts = 1
        expected.nextAttemptAt = Sample.at(30)
        expected.lastError = "timed_out"
        #expect(try store.outboxMessage(id: "msg-1") == expected)
        #expect(
            try store.claimOutboxMessages(limit: 1, now: Sample.at(29), leaseToken: "b", leaseUntil: Sample.at(90))
                == []
        )
        #expect(
            try store.claimOutboxMessages(limit: 1, now: Sample.at(30), leaseToken: "b", leaseUntil: Sample.at(90))
                .count == 1
        )
    }

    @Test(arguments: StoreKind.allCases)
    func markOutboxFailed_erasesPayloadAndIsFinal(kind: StoreKind) throws {
        let fixture = try Self.outboxFixture(kind)
        let store = fixture.store
        _ = try store.claimOutboxMessages(limit: 1, now: Sample.now, leaseToken: "a", leaseUntil: Sample.at(60))

        #expect(try store.markOutboxFailed(id: "msg-1", leaseToken: "a", error: "rejected"))

        var expected = Self.outboxMessage()
        expected.state = .failed
        expected.attempts = 1
        expected.lastError = "rejected"
        expected.sealedPayload = nil
        #expect(try store.outboxMessage(id: "msg-1") == expected)
        #expect(
            try store.claimOutboxMessages(limit: 1, now: Sample.at(999), leaseToken: "b", leaseUntil: Sample.at(1999))
                == []
        )
    }

    @Test(arguments: StoreKind.allCases)
    func outboxCounts_countsEachState(kind: StoreKind) throws {
        let fixture = try Self.outboxFixture(kind, ["a", "b", "c", "d"])
        let store = fixture.store
        #expect(try store.outboxCounts() == OutboxCounts(pending: 4))
        _ = try store.claimOutboxMessages(limit: 3, now: Sample.now, leaseToken: "l", leaseUntil: Sample.at(60))
        _ = try store.markOutboxSent(id: "a", leaseToken: "l", at: Sample.now)
        _ = try store.markOutboxSent(id: "b", leaseToken: "l", at: Sample.now)
        _ = try store.markOutboxFailed(id: "c", leaseToken: "l", error: "rejected")

        let counts = try store.outboxCounts()

        #expect(counts == OutboxCounts(pending: 1, sent: 2, failed: 1))
        #expect(counts[.sent] == 2)
    }
}

/// Which claimer got which message, collected from racing threads.
private final class ClaimLedger: Sendable {
    private let claims = Mutex<[(String, String)]>([])

    func add(_ ids: [String], by holder: String) {
        claims.withLock { $0 += ids.map { ($0, holder) } }
    }

    var ids: [String] { claims.withLock { $0.map(\.0) } }
    var holders: [(String, String)] { claims.withLock { $0 } }
}
