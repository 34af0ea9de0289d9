import Foundation
import Testing

@testable import StepgateStore

// Deleting history that no check reads any more: devices, allowed actions, ended messages.
extension StoreContractTests {
    /// Every horizon at `Sample.now`.
    static let historyHorizon = HistoryHorizon(
        devicesFirstSeenBefore: Sample.now,
        actionsBefore: Sample.now,
        messagesBefore: Sample.now
    )

    /// A store whose user has two devices and two actions on each side of `Sample.now`, and
    /// messages queued before it in every state and one queued after it, sent.
    static func storeWithHistory(_ kind: StoreKind) throws -> StoreFixture {
        let fixture = try StoreFixture(kind)
        let store = fixture.store
        try Sample.seed(store)
        let user = Sample.user().id
        // First seen before the horizon, seen again since: its cookie has expired all the same.
        try store.rememberDevice(userID: user, deviceIDHash: [1], fingerprint: "f", at: Sample.at(-100))
        try store.rememberDevice(userID: user, deviceIDHash: [1], fingerprint: "f", at: Sample.at(50))
        try store.rememberDevice(userID: user, deviceIDHash: [2], fingerprint: "f", at: Sample.at(-1))
        try store.rememberDevice(userID: user, deviceIDHash: [3], fingerprint: "f", at: Sample.now)
        try store.rememberDevice(userID: user, deviceIDHash: [4], fingerprint: "f", at: Sample.at(10))
        for (offset, amount) in [(-100.0, "5"), (-1, "6"), (0, "7"), (10, nil)] {
            try store.recordAction(
                ActionRecord(userID: user, action: "transfer", amount: amount, at: Sample.at(offset))
            )
        }

        // Queued at Sample.at(-10); due in the order claimed below, "pending" not yet.
        for (id, due) in [("sent", -4.0), ("failed", -3), ("leased", -2), ("pending", 100)] {
            try store.insertOutboxMessage(Self.outboxMessage(id, dueIn: due))
        }
        var recent = Self.outboxMessage("sent-recently")
        recent.createdAt = Sample.at(5)
        recent.nextAttemptAt = Sample.at(5)
        try store.insertOutboxMessage(recent)
        _ = try store.claimOutboxMessages(limit: 2, now: Sample.now, leaseToken: "a", leaseUntil: Sample.at(1))
        #expect(try store.markOutboxSent(id: "sent", leaseToken: "a", at: Sample.now))
        #expect(try store.markOutboxFailed(id: "failed", leaseToken: "a", error: "rejected"))
        _ = try store.claimOutboxMessages(limit: 1, now: Sample.now, leaseToken: "b", leaseUntil: Sample.at(600))
        _ = try store.claimOutboxMessages(limit: 1, now: Sample.at(5), leaseToken: "c", leaseUntil: Sample.at(6))
        #expect(try store.markOutboxSent(id: "sent-recently", leaseToken: "c", at: Sample.at(5)))
        return fixture
    }

    @Test(arguments: StoreKind.allCases)
    func pruneHistory_deletesWhatLiesBeforeItsHorizon_andKeepsTheRest(kind: StoreKind) throws {
        let fixture = try Self.storeWithHistory(kind)
        let store = fixture.store
        let user = Sample.user().id

        #expect(try store.pruneHistory(Self.historyHorizon, limit: 100) == 6)

        #expect(try store.device(userID: user, deviceIDHash: [1]) == nil)
        #expect(try store.device(userID: user, deviceIDHash: [2]) == nil)
        #expect(try store.device(userID: user, deviceIDHash: [3]) != nil)
        #expect(try store.device(userID: user, deviceIDHash: [4]) != nil)
        let actions = try store.actions(userID: user, action: nil, since: .distantPast, limit: 10)
        #expect(actions.map(\.at) == [Sample.at(10), Sample.now])
        #expect(try store.outboxMessage(id: "sent") == nil)
        #expect(try store.outboxMessage(id: "failed") == nil)
        for id in ["pending", "leased", "sent-recently"] {
            #expect(try store.outboxMessage(id: id) != nil, "\(id) stays")
        }
        try fixture.expectUnchanged { () throws in
            #expect(try store.pruneHistory(Self.historyHorizon, limit: 100) == 0)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func pruneHistory_deletesAtMostTheLimitFromEachTable(kind: StoreKind) throws {
        let fixture = try Self.storeWithHistory(kind)

        #expect(try fixture.store.pruneHistory(Self.historyHorizon, limit: 1) == 3)
        #expect(try Self.rowCount(fixture, "risk_devices") == 3)
        #expect(try Self.rowCount(fixture, "risk_actions") == 3)
        #expect(try Self.rowCount(fixture, "outbox") == 4)
        #expect(try fixture.store.pruneHistory(Self.historyHorizon, limit: 1) == 3)
        #expect(try fixture.store.pruneHistory(Self.historyHorizon, limit: 1) == 0)
        try fixture.expectUnchanged { () throws in
            #expect(try fixture.store.pruneHistory(Self.historyHorizon, limit: 0) == 0)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func pruneHistory_beforeEverything_deletesNothing(kind: StoreKind) throws {
        let fixture = try Self.storeWithHistory(kind)
        let early = HistoryHorizon(
            devicesFirstSeenBefore: Sample.at(-1_000),
            actionsBefore: Sample.at(-1_000),
            messagesBefore: Sample.at(-1_000)
        )

        try fixture.expectUnchanged { () throws in
            #expect(try fixture.store.pruneHistory(early, limit: 100) == 0)
        }
    }
}
