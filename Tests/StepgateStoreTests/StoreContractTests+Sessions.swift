import Foundation
import Testing

@testable import StepgateStore

// Sessions with their events, and flows.
extension StoreContractTests {
    // MARK: Sessions

    @Test(arguments: StoreKind.allCases)
    func insertSession_roundTripsEveryField(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        try fixture.store.insertUser(Sample.user())
        let events = [
            SessionEventRecord(method: "pwd", time: Sample.at(-500)),
            SessionEventRecord(method: "otp", time: Sample.at(-400), level: "aal2"),
        ]
        let bound = Sample.session(2, userID: "user-1", events: events)
        try fixture.store.insertSession(Sample.session())
        try fixture.store.insertSession(bound)

        #expect(try fixture.store.session(idHash: Sample.sessionHash()) == Sample.session())
        #expect(try fixture.store.session(idHash: Sample.sessionHash(2)) == bound)
        #expect(try fixture.store.session(idHash: Sample.sessionHash(3)) == nil)
    }

    @Test(arguments: StoreKind.allCases)
    func insertSession_rejectsTakenHash(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        try fixture.store.insertSession(Sample.session())

        try fixture.expectUnchanged { () throws in
            let error = #expect(throws: StoreError.self) {
                try fixture.store.insertSession(
                    Sample.session(events: [SessionEventRecord(method: "pwd", time: Sample.now)])
                )
            }
            #expect(error?.code == .conflict)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func recordAuthentication_bindsUserAndAppendsEvents(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        try Sample.seed(fixture.store)
        let password = SessionEventRecord(method: "pwd", time: Sample.at(-5))
        let otp = SessionEventRecord(method: "otp", time: Sample.now)

        #expect(
            try fixture.store.recordAuthentication(
                sessionIDHash: Sample.sessionHash(),
                userID: "user-1",
                event: password
            )
        )
        #expect(
            try fixture.store.recordAuthentication(sessionIDHash: Sample.sessionHash(), userID: "user-1", event: otp)
        )

        let session = try fixture.store.session(idHash: Sample.sessionHash())
        #expect(session?.userID == "user-1")
        #expect(session?.events == [password, otp])
    }

    /// "Authenticated after this request" is decided within a second, so event times keep
    /// their milliseconds.
    @Test(arguments: StoreKind.allCases)
    func recordAuthentication_keepsEventTimeToTheMillisecond(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        try Sample.seed(fixture.store)
        let event = SessionEventRecord(method: "pwd", time: Sample.now.addingTimeInterval(0.734))
        _ = try fixture.store.recordAuthentication(sessionIDHash: Sample.sessionHash(), userID: "user-1", event: event)

        let stored = try #require(try fixture.store.session(idHash: Sample.sessionHash())?.events.first)
        #expect(abs(stored.time.timeIntervalSince(event.time)) < 0.001)
        #expect(stored.time > Sample.now.addingTimeInterval(0.733))
    }

    @Test(arguments: StoreKind.allCases)
    func rotateSession_movesEventsAndFlows_andRetiresOldID(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        try Sample.seed(fixture.store)
        let event = SessionEventRecord(method: "pwd", time: Sample.now)
        _ = try fixture.store.recordAuthentication(sessionIDHash: Sample.sessionHash(), userID: "user-1", event: event)
        try fixture.store.insertFlow(Sample.flow())

        #expect(
            try fixture.store.rotateSession(
                from: Sample.sessionHash(),
                to: Sample.sessionHash(7),
                lastSeenAt: Sample.at(9)
            )
        )
        #expect(try fixture.store.session(idHash: Sample.sessionHash()) == nil)
        let moved = try fixture.store.session(idHash: Sample.sessionHash(7))
        #expect(moved?.userID == "user-1")
        #expect(moved?.events == [event])
        #expect(moved?.lastSeenAt == Sample.at(9))
        #expect(moved?.createdAt == Sample.session().createdAt)
        #expect(try fixture.store.flow(id: "flow-1")?.sessionIDHash == Sample.sessionHash(7))
    }

    @Test(arguments: StoreKind.allCases)
    func rotateSession_refusesUnknownSession(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        try Sample.seed(fixture.store)

        try fixture.expectUnchanged { () throws in
            let rotated = try fixture.store.rotateSession(
                from: Sample.sessionHash(9),
                to: Sample.sessionHash(8),
                lastSeenAt: Sample.now
            )
            #expect(rotated == false)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func recordAuthentication_refusesSessionOfAnotherUser(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        try Sample.seed(fixture.store)
        try fixture.store.insertUser(Sample.user("user-2", name: "bob"))
        let event = SessionEventRecord(method: "pwd", time: Sample.now)
        #expect(
            try fixture.store.recordAuthentication(sessionIDHash: Sample.sessionHash(), userID: "user-1", event: event)
        )

        try fixture.expectUnchanged { () throws in
            #expect(
                try fixture.store.recordAuthentication(
                    sessionIDHash: Sample.sessionHash(),
                    userID: "user-2",
                    event: event
                ) == false
            )
        }
        #expect(try fixture.store.session(idHash: Sample.sessionHash())?.userID == "user-1")
    }

    @Test(arguments: StoreKind.allCases)
    func recordAuthentication_refusesUnknownSession(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        try Sample.seed(fixture.store)
        let event = SessionEventRecord(method: "pwd", time: Sample.now)

        try fixture.expectUnchanged { () throws in
            #expect(
                try fixture.store.recordAuthentication(
                    sessionIDHash: Sample.sessionHash(9),
                    userID: "user-1",
                    event: event
                ) == false
            )
        }
    }

    @Test(arguments: StoreKind.allCases)
    func recordAuthentication_refusesExpiredSession(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        try Sample.seed(fixture.store)
        let expiry = Sample.session().expiresAt
        let event = SessionEventRecord(method: "pwd", time: expiry)

        try fixture.expectUnchanged { () throws in
            #expect(
                try fixture.store.recordAuthentication(
                    sessionIDHash: Sample.sessionHash(),
                    userID: "user-1",
                    event: event
                ) == false
            )
        }
    }

    @Test(arguments: StoreKind.allCases)
    func recordAuthentication_racingUsersHaveOneWinner(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        try Sample.seed(fixture.store)
        for index in 0..<8 { try fixture.store.insertUser(Sample.user("racer-\(index)", name: "racer-\(index)")) }
        let store = fixture.store

        let outcome = race { index in
            try store.recordAuthentication(
                sessionIDHash: Sample.sessionHash(),
                userID: "racer-\(index)",
                event: SessionEventRecord(method: "pwd", time: Sample.now)
            )
        }

        #expect(outcome.wins == 1)
        #expect(outcome.errors == [])
        #expect(try store.session(idHash: Sample.sessionHash())?.events.count == 1)
    }

    @Test(arguments: StoreKind.allCases)
    func touchSession_setsLastSeen(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        try fixture.store.insertSession(Sample.session())

        try fixture.store.touchSession(idHash: Sample.sessionHash(), lastSeenAt: Sample.now)

        var expected = Sample.session()
        expected.lastSeenAt = Sample.now
        #expect(try fixture.store.session(idHash: Sample.sessionHash()) == expected)
    }

    @Test(arguments: StoreKind.allCases)
    func deleteSession_removesSessionEventsAndFlows(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        try fixture.store.insertSession(Sample.session(events: [SessionEventRecord(method: "pwd", time: Sample.now)]))
        try fixture.store.insertSession(Sample.session(2))
        try fixture.store.insertFlow(Sample.flow())

        try fixture.store.deleteSession(idHash: Sample.sessionHash())

        #expect(try fixture.store.session(idHash: Sample.sessionHash()) == nil)
        #expect(try fixture.store.flow(id: "flow-1") == nil)
        #expect(try fixture.store.session(idHash: Sample.sessionHash(2)) == Sample.session(2))
        try fixture.store.insertSession(Sample.session())
        #expect(try fixture.store.session(idHash: Sample.sessionHash())?.events == [])
    }

    // MARK: Flows

    @Test(arguments: StoreKind.allCases)
    func insertFlow_roundTripsEveryField(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        try Sample.seed(fixture.store)
        var finished = Sample.flow("flow-2")
        finished.userID = "user-1"
        finished.attempts = 2
        finished.completedAt = Sample.at(-1)
        try fixture.store.insertFlow(Sample.flow())
        try fixture.store.insertFlow(finished)

        #expect(try fixture.store.flow(id: "flow-1") == Sample.flow())
        #expect(try fixture.store.flow(id: "flow-2") == finished)
        #expect(try fixture.store.flow(id: "flow-9") == nil)
    }

    @Test(arguments: StoreKind.allCases)
    func setFlowUser_setsOnceThenAcceptsOnlySameUser(kind: StoreKind) throws {
        let fixture = try Self.flowFixture(kind)
        try fixture.store.insertUser(Sample.user("user-2", name: "bob"))

        #expect(try fixture.store.setFlowUser(id: "flow-1", userID: "user-1"))
        #expect(try fixture.store.setFlowUser(id: "flow-1", userID: "user-1"))
        try fixture.expectUnchanged { () throws in
            #expect(try fixture.store.setFlowUser(id: "flow-1", userID: "user-2") == false)
            #expect(try fixture.store.setFlowUser(id: "flow-9", userID: "user-1") == false)
        }
        #expect(try fixture.store.flow(id: "flow-1")?.userID == "user-1")
    }

    @Test(arguments: StoreKind.allCases)
    func setFlowUser_refusesCompletedFlow(kind: StoreKind) throws {
        let fixture = try Self.flowFixture(kind)
        #expect(try fixture.store.completeFlow(id: "flow-1", now: Sample.now))

        try fixture.expectUnchanged { () throws in
            #expect(try fixture.store.setFlowUser(id: "flow-1", userID: "user-1") == false)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func recordFlowFailure_countsUpToLimitThenReturnsNil(kind: StoreKind) throws {
        let fixture = try Self.flowFixture(kind)

        for expected in 1...3 {
            #expect(try fixture.store.recordFlowFailure(id: "flow-1", limit: 3, now: Sample.now) == expected)
        }
        try fixture.expectUnchanged { () throws in
            #expect(try fixture.store.recordFlowFailure(id: "flow-1", limit: 3, now: Sample.now) == nil)
        }
        #expect(try fixture.store.flow(id: "flow-1")?.attempts == 3)
    }

    @Test(arguments: StoreKind.allCases)
    func resetFlowAttempts_givesOpenFlowFreshAttempts(kind: StoreKind) throws {
        let fixture = try Self.flowFixture(kind)
        for _ in 1...3 { _ = try fixture.store.recordFlowFailure(id: "flow-1", limit: 3, now: Sample.now) }

        #expect(try fixture.store.resetFlowAttempts(id: "flow-1"))
        #expect(try fixture.store.flow(id: "flow-1")?.attempts == 0)
        #expect(try fixture.store.recordFlowFailure(id: "flow-1", limit: 3, now: Sample.now) == 1)
    }

    @Test(arguments: StoreKind.allCases)
    func resetFlowAttempts_refusesCompletedAndUnknownFlows(kind: StoreKind) throws {
        let fixture = try Self.flowFixture(kind)
        _ = try fixture.store.recordFlowFailure(id: "flow-1", limit: 3, now: Sample.now)
        #expect(try fixture.store.completeFlow(id: "flow-1", now: Sample.now))

        try fixture.expectUnchanged { () throws in
            #expect(try fixture.store.resetFlowAttempts(id: "flow-1") == false)
            #expect(try fixture.store.resetFlowAttempts(id: "no-such-flow") == false)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func recordFlowFailure_refusesExpiredFlow(kind: StoreKind) throws {
        let fixture = try Self.flowFixture(kind)

        try fixture.expectUnchanged { () throws in
            let expiry = Sample.flow().expiresAt
            #expect(try fixture.store.recordFlowFailure(id: "flow-1", limit: 3, now: expiry) == nil)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func recordFlowFailure_refusesCompletedAndUnknownFlows(kind: StoreKind) throws {
        let fixture = try Self.flowFixture(kind)
        #expect(try fixture.store.completeFlow(id: "flow-1", now: Sample.now))

        try fixture.expectUnchanged { () throws in
            #expect(try fixture.store.recordFlowFailure(id: "flow-1", limit: 3, now: Sample.now) == nil)
            #expect(try fixture.store.recordFlowFailure(id: "flow-9", limit: 3, now: Sample.now) == nil)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func recordFlowFailure_racingCallsStopAtLimit(kind: StoreKind) throws {
        let fixture = try Self.flowFixture(kind)
        let store = fixture.store

        let outcome = race { _ in try store.recordFlowFailure(id: "flow-1", limit: 3, now: Sample.now) != nil }

        #expect(outcome.wins == 3)
        #expect(outcome.errors == [])
        #expect(try store.flow(id: "flow-1")?.attempts == 3)
    }

    @Test(arguments: StoreKind.allCases)
    func completeFlow_succeedsOnce(kind: StoreKind) throws {
        let fixture = try Self.flowFixture(kind)

        #expect(try fixture.store.completeFlow(id: "flow-1", now: Sample.now))
        try fixture.expectUnchanged { () throws in
            #expect(try fixture.store.completeFlow(id: "flow-1", now: Sample.at(1)) == false)
        }
        #expect(try fixture.store.flow(id: "flow-1")?.completedAt == Sample.now)
    }

    @Test(arguments: StoreKind.allCases)
    func completeFlow_refusesASessionRotatedAway(kind: StoreKind) throws {
        let fixture = try Self.flowFixture(kind)
        let old = Sample.session().idHash
        let new = Array(repeating: UInt8(0x5A), count: 32)
        #expect(try fixture.store.rotateSession(from: old, to: new, lastSeenAt: Sample.now))

        try fixture.expectUnchanged { () throws in
            #expect(try fixture.store.completeFlow(id: "flow-1", sessionIDHash: old, now: Sample.now) == false)
        }
        #expect(try fixture.store.completeFlow(id: "flow-1", sessionIDHash: new, now: Sample.now))
    }

    @Test(arguments: StoreKind.allCases)
    func completeFlow_refusesExpiredAndUnknownFlows(kind: StoreKind) throws {
        let fixture = try Self.flowFixture(kind)

        try fixture.expectUnchanged { () throws in
            #expect(try fixture.store.completeFlow(id: "flow-1", now: Sample.flow().expiresAt) == false)
            #expect(try fixture.store.completeFlow(id: "flow-9", now: Sample.now) == false)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func completeFlow_racingCallsHaveOneWinner(kind: StoreKind) throws {
        let fixture = try Self.flowFixture(kind)
        let store = fixture.store

        let outcome = race { _ in try store.completeFlow(id: "flow-1", now: Sample.now) }

        #expect(outcome.wins == 1)
        #expect(outcome.errors == [])
    }

    private static func flowFixture(_ kind: StoreKind) throws -> StoreFixture {
        let fixture = try StoreFixture(kind)
        try Sample.seed(fixture.store)
        try fixture.store.insertFlow(Sample.flow())
        return fixture
    }
}
