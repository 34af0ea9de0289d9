import Foundation
import Testing

@testable import StepgateStore

// The decision snapshot: every part equals its per-call read, and nothing is kept between calls.
extension StoreContractTests {
    /// A user with a signed-in session, a device, a risk state, failures and actions: every part
    /// of a snapshot has something to read. `disabled` disables the user.
    private static func seedDecision(_ store: any Store, disabled: Bool = false) throws {
        var user = Sample.user()
        user.disabled = disabled
        try store.insertUser(user)
        try store.insertUser(Sample.user("user-2", name: "bob"))
        let events = [
            SessionEventRecord(method: "pwd", time: Sample.at(-500), level: "aal1"),
            SessionEventRecord(method: "otp", time: Sample.at(-400), level: "aal2"),
        ]
        try store.insertSession(Sample.session(1, userID: "user-1", events: events))
        try store.insertSession(Sample.session(2))
        try store.rememberDevice(userID: "user-1", deviceIDHash: deviceHash, fingerprint: "fp", at: Sample.at(-900))
        try store.rememberDevice(userID: "user-2", deviceIDHash: [9, 9], fingerprint: "other", at: Sample.at(-900))
        try store.saveRiskState(
            RiskStateRecord(
                userID: "user-1",
                lastIP: "81.2.69.142",
                lastCountry: "GB",
                lastLatitude: 51.5142,
                lastLongitude: -0.0931,
                lastAccuracyKm: 10,
                lastSeenAt: Sample.at(-3_600),
                countries: ["GB", "SE"]
            )
        )
        for offset in [-7_200.0, -600, -300, -30] {
            try store.recordFailure(userID: "user-1", at: Sample.at(offset))
        }
        try store.recordFailure(userID: "user-2", at: Sample.at(-10))
        for (offset, action, amount) in [
            (-86_400.0, "transfer", "10"), (-3_000, "transfer", "250.50"), (-120, "payee", nil),
            (-60, "transfer", "99"), (-20, "transfer", "5"),
        ] {
            try store.recordAction(
                ActionRecord(userID: "user-1", action: action, amount: amount, at: Sample.at(offset))
            )
        }
        try store.recordAction(ActionRecord(userID: "user-2", action: "transfer", amount: "1", at: Sample.at(-5)))
    }

    private static let deviceHash: [UInt8] = [7, 7, 7]

    private static let history = DecisionSnapshotQuery.History(
        deviceIDHash: deviceHash,
        failuresSince: Sample.at(-900),
        actionsSince: Sample.at(-3_600),
        actionLimit: 2,
        amountAction: "transfer",
        amountsSince: Sample.at(-50_000),  // the transfer of a day ago is too old to count
        amountLimit: 5
    )

    /// What the per-call methods return for `userID` under `history`.
    private static func perCall(
        _ store: any Store,
        session: SessionRecord?,
        userID: String?,
        history: DecisionSnapshotQuery.History?
    ) throws -> DecisionSnapshot {
        var expected = DecisionSnapshot(session: session)
        guard let userID else { return expected }
        expected.user = try store.user(id: userID)
        guard let history else { return expected }
        expected.device = try history.deviceIDHash.flatMap { try store.device(userID: userID, deviceIDHash: $0) }
        expected.riskState = try store.riskState(userID: userID)
        expected.failureCount = try store.failureCount(userID: userID, since: history.failuresSince)
        expected.recentActions = try store.actions(
            userID: userID,
            action: nil,
            since: history.actionsSince,
            limit: history.actionLimit
        )
        expected.amountHistory =
            try history.amountAction.map {
                try store.actions(userID: userID, action: $0, since: history.amountsSince, limit: history.amountLimit)
            } ?? []
        return expected
    }

    @Test(arguments: StoreKind.allCases)
    func decisionSnapshot_ofSignedInSession_matchesPerCallReads(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        try Self.seedDecision(fixture.store)
        let session = try fixture.store.session(idHash: Sample.sessionHash(1))

        let snapshot = try fixture.store.decisionSnapshot(
            DecisionSnapshotQuery(sessionIDHash: Sample.sessionHash(1), history: Self.history)
        )

        let expected = try Self.perCall(fixture.store, session: session, userID: "user-1", history: Self.history)
        #expect(snapshot == expected)
        // The seed gives every part something to compare, so equality is not between empties.
        #expect(snapshot.session?.events.count == 2)
        #expect(snapshot.user?.name == "alice")
        #expect(snapshot.device?.fingerprint == "fp")
        #expect(snapshot.riskState?.countries == ["GB", "SE"])
        #expect(snapshot.failureCount == 3)
        #expect(snapshot.recentActions.map(\.amount) == ["5", "99"])
        #expect(snapshot.amountHistory.map(\.amount) == ["5", "99", "250.50"])
    }

    @Test(arguments: StoreKind.allCases)
    func decisionSnapshot_ofUnknownSession_isEmpty(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        try Self.seedDecision(fixture.store)

        let snapshot = try fixture.store.decisionSnapshot(
            DecisionSnapshotQuery(sessionIDHash: Sample.sessionHash(3), userID: "user-1", history: Self.history)
        )

        #expect(try fixture.store.session(idHash: Sample.sessionHash(3)) == nil)
        #expect(snapshot == DecisionSnapshot())
    }

    @Test(arguments: StoreKind.allCases)
    func decisionSnapshot_ofSessionWithoutUser_readsNoUserOrHistory(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        try Self.seedDecision(fixture.store)
        let session = try #require(try fixture.store.session(idHash: Sample.sessionHash(2)))

        // `userID` is ignored when a session is asked for: the session's own user is the subject.
        let snapshot = try fixture.store.decisionSnapshot(
            DecisionSnapshotQuery(sessionIDHash: Sample.sessionHash(2), userID: "user-1", history: Self.history)
        )

        #expect(session.userID == nil)
        #expect(snapshot == DecisionSnapshot(session: session))
    }

    @Test(arguments: StoreKind.allCases)
    func decisionSnapshot_ofDisabledUser_matchesPerCallReads(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        try Self.seedDecision(fixture.store, disabled: true)
        let session = try fixture.store.session(idHash: Sample.sessionHash(1))

        let snapshot = try fixture.store.decisionSnapshot(
            DecisionSnapshotQuery(sessionIDHash: Sample.sessionHash(1), history: Self.history)
        )

        #expect(snapshot.user?.disabled == true)
        #expect(
            snapshot == (try Self.perCall(fixture.store, session: session, userID: "user-1", history: Self.history))
        )
    }

    @Test(arguments: StoreKind.allCases)
    func decisionSnapshot_ofTokenSubject_matchesPerCallReads(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        try Self.seedDecision(fixture.store)
        var other = Self.history
        other.deviceIDHash = [1, 2, 3]
        other.amountAction = nil

        for (userID, history) in [
            ("user-1", Self.history), ("user-2", Self.history), ("user-1", other), ("nobody", Self.history),
        ] {
            let snapshot = try fixture.store.decisionSnapshot(DecisionSnapshotQuery(userID: userID, history: history))
            #expect(snapshot == (try Self.perCall(fixture.store, session: nil, userID: userID, history: history)))
        }
        #expect(try fixture.store.decisionSnapshot(DecisionSnapshotQuery(userID: "user-1")).device == nil)
    }

    @Test(arguments: StoreKind.allCases)
    func decisionSnapshot_withoutHistory_readsSessionAndUserOnly(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        try Self.seedDecision(fixture.store)
        let session = try fixture.store.session(idHash: Sample.sessionHash(1))

        let snapshot = try fixture.store.decisionSnapshot(DecisionSnapshotQuery(sessionIDHash: Sample.sessionHash(1)))

        #expect(snapshot == DecisionSnapshot(session: session, user: try fixture.store.user(id: "user-1")))
        #expect(try fixture.store.decisionSnapshot(DecisionSnapshotQuery()) == DecisionSnapshot())
    }

    @Test(arguments: StoreKind.allCases)
    func decisionSnapshot_seesEveryCommittedChange_atOnce(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        try Self.seedDecision(fixture.store)
        let query = DecisionSnapshotQuery(sessionIDHash: Sample.sessionHash(1), history: Self.history)
        _ = try fixture.store.decisionSnapshot(query)

        #expect(try fixture.store.setUserDisabled(id: "user-1", disabled: true))
        #expect(try fixture.store.decisionSnapshot(query).user?.disabled == true)
        try fixture.store.recordFailure(userID: "user-1", at: Sample.now)
        try fixture.store.recordAction(ActionRecord(userID: "user-1", action: "transfer", amount: "7", at: Sample.now))
        let changed = try fixture.store.decisionSnapshot(query)
        #expect(changed.failureCount == 4)
        #expect(changed.recentActions.first?.amount == "7")
        #expect(changed.amountHistory.first?.amount == "7")

        try fixture.store.deleteSession(idHash: Sample.sessionHash(1))
        #expect(try fixture.store.decisionSnapshot(query) == DecisionSnapshot())
    }

    @Test(arguments: StoreKind.allCases)
    func decisionSnapshot_changesNothing(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        try Self.seedDecision(fixture.store)

        try fixture.expectUnchanged { () throws in
            _ = try fixture.store.decisionSnapshot(
                DecisionSnapshotQuery(sessionIDHash: Sample.sessionHash(1), history: Self.history)
            )
        }
    }
}
