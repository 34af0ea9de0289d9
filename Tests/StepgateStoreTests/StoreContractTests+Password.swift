import Foundation
import Testing

@testable import StepgateStore

// A password change: the hash, the other sessions it ends, the refresh tokens it revokes and the
// session it keeps under a new ID, all at once or not at all.
extension StoreContractTests {
    private static let newHash = "$argon2id$v=19$m=19456,t=2,p=1$bmV3c2FsdA$bmV3aGFzaA"

    /// Alice (user-1) with sessions 1 and 2 and a refresh token; Bob (user-2) with session 3 and
    /// a refresh token; session 4 anonymous. Session 1 has a flow.
    private static func seedTwoUsers(_ store: any Store) throws {
        try store.insertUser(Sample.user())
        try store.insertUser(Sample.user("user-2", name: "bob"))
        try store.insertClient(Sample.client())
        let event = SessionEventRecord(method: "pwd", time: Sample.at(-100))
        try store.insertSession(Sample.session(1, userID: "user-1", events: [event]))
        try store.insertSession(Sample.session(2, userID: "user-1", events: [event]))
        try store.insertSession(Sample.session(3, userID: "user-2", events: [event]))
        try store.insertSession(Sample.session(4))
        try store.insertFlow(Sample.flow())
        try store.insertRefreshToken(Sample.refreshToken(1))
        var bobs = Sample.refreshToken(2, family: "family-2")
        bobs.grant = Sample.grant(userID: "user-2")
        try store.insertRefreshToken(bobs)
    }

    private static func change(keeping seed: UInt8? = 1, expected: String? = nil) -> PasswordChange {
        PasswordChange(
            userID: "user-1",
            expectedHash: expected ?? Sample.user().passwordHash,
            newHash: newHash,
            keptSession: seed.map {
                PasswordChange.KeptSession(idHash: Sample.sessionHash($0), newIDHash: Sample.sessionHash(9))
            },
            at: Sample.now
        )
    }

    @Test(arguments: StoreKind.allCases)
    func changePassword_endsOtherSessions_revokesTokens_andRotatesTheKeptOne(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        try Self.seedTwoUsers(fixture.store)

        let result = try fixture.store.changePassword(Self.change())

        #expect(result == PasswordChangeResult(sessionsEnded: 1, refreshTokensRevoked: 1))
        #expect(try fixture.store.user(id: "user-1")?.passwordHash == Self.newHash)
        #expect(try fixture.store.session(idHash: Sample.sessionHash(1)) == nil)
        #expect(try fixture.store.session(idHash: Sample.sessionHash(2)) == nil)
        let kept = try #require(try fixture.store.session(idHash: Sample.sessionHash(9)))
        #expect(kept.userID == "user-1")
        #expect(kept.events.count == 1)
        #expect(kept.lastSeenAt == Sample.now)
        #expect(try fixture.store.flow(id: "flow-1")?.sessionIDHash == Sample.sessionHash(9))
        #expect(try fixture.store.refreshToken(hash: Sample.tokenHash(1))?.revokedAt == Sample.now)
        #expect(try fixture.store.consumeRefreshToken(hash: Sample.tokenHash(1), now: Sample.now) == nil)
        // Another user's and anonymous state is untouched.
        #expect(try fixture.store.user(id: "user-2")?.passwordHash == Sample.user().passwordHash)
        #expect(try fixture.store.session(idHash: Sample.sessionHash(3)) != nil)
        #expect(try fixture.store.session(idHash: Sample.sessionHash(4)) != nil)
        #expect(try fixture.store.refreshToken(hash: Sample.tokenHash(2))?.revokedAt == nil)
    }

    @Test(arguments: StoreKind.allCases)
    func changePassword_withoutKeptSession_endsEverySessionOfTheUser(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        try Self.seedTwoUsers(fixture.store)

        let result = try fixture.store.changePassword(Self.change(keeping: nil))

        #expect(result == PasswordChangeResult(sessionsEnded: 2, refreshTokensRevoked: 1))
        #expect(try fixture.store.session(idHash: Sample.sessionHash(1)) == nil)
        #expect(try fixture.store.flow(id: "flow-1") == nil)
        #expect(try fixture.store.session(idHash: Sample.sessionHash(3)) != nil)
    }

    @Test(arguments: StoreKind.allCases)
    func changePassword_keepsAlreadyRevokedTokensRevokedAtTheirTime(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        try Self.seedTwoUsers(fixture.store)
        #expect(try fixture.store.revokeRefreshFamily(familyID: "family-1", at: Sample.at(-5)) == 1)

        let result = try fixture.store.changePassword(Self.change())

        #expect(result?.refreshTokensRevoked == 0)
        #expect(try fixture.store.refreshToken(hash: Sample.tokenHash(1))?.revokedAt == Sample.at(-5))
    }

    @Test(arguments: StoreKind.allCases)
    func changePassword_rejectsAStaleExpectedHash(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        try Self.seedTwoUsers(fixture.store)

        try fixture.expectUnchanged { () throws in
            #expect(try fixture.store.changePassword(Self.change(expected: "$argon2id$v=19$other")) == nil)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func changePassword_rejectsAnUnknownUser(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        try Self.seedTwoUsers(fixture.store)
        var change = Self.change(keeping: nil)
        change.userID = "nobody"

        try fixture.expectUnchanged { () throws in
            #expect(try fixture.store.changePassword(change) == nil)
        }
    }

    @Test(arguments: StoreKind.allCases, [UInt8(3), 4, 7])
    func changePassword_rejectsAKeptSessionNotTheUsers(kind: StoreKind, seed: UInt8) throws {
        let fixture = try StoreFixture(kind)
        try Self.seedTwoUsers(fixture.store)

        try fixture.expectUnchanged { () throws in
            #expect(try fixture.store.changePassword(Self.change(keeping: seed)) == nil)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func changePassword_rejectsATakenNewSessionHash_andRollsBack(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        try Self.seedTwoUsers(fixture.store)
        var change = Self.change()
        change.keptSession?.newIDHash = Sample.sessionHash(3)

        try fixture.expectUnchanged { () throws in
            let error = #expect(throws: StoreError.self) { try fixture.store.changePassword(change) }
            #expect(error?.code == .conflict)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func changePassword_racingFromOneHash_onlyOneWins(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        try Self.seedTwoUsers(fixture.store)
        let store = fixture.store

        let outcome = race { index in
            var change = Self.change(keeping: nil)
            change.newHash = Self.newHash + "\(index)"
            return try store.changePassword(change) != nil
        }

        #expect(outcome.errors == [])
        #expect(outcome.wins == 1)
    }
}
