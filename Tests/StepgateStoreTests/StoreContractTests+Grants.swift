import Foundation
import Testing

@testable import StepgateStore

// Authorization codes and refresh tokens.
extension StoreContractTests {
    // MARK: Authorization codes

    @Test(arguments: StoreKind.allCases)
    func consumeAuthorizationCode_returnsEveryFieldOnce(kind: StoreKind) throws {
        let fixture = try Self.grantFixture(kind)
        var bare = Sample.code(2)
        bare.nonce = nil
        bare.grant.amr = []
        bare.transaction = nil
        try fixture.store.insertAuthorizationCode(Sample.code())
        try fixture.store.insertAuthorizationCode(bare)

        var consumed = Sample.code()
        consumed.consumedAt = Sample.now
        bare.consumedAt = Sample.now
        #expect(try fixture.store.consumeAuthorizationCode(hash: Sample.codeHash(), now: Sample.now) == consumed)
        #expect(try fixture.store.consumeAuthorizationCode(hash: Sample.codeHash(2), now: Sample.now) == bare)
    }

    @Test(arguments: StoreKind.allCases)
    func authorizationCode_readsWithoutConsuming(kind: StoreKind) throws {
        let fixture = try Self.grantFixture(kind)
        try fixture.store.insertAuthorizationCode(Sample.code())

        try fixture.expectUnchanged { () throws in
            #expect(try fixture.store.authorizationCode(hash: Sample.codeHash()) == Sample.code())
            #expect(try fixture.store.authorizationCode(hash: Sample.codeHash(9)) == nil)
        }
        _ = try fixture.store.consumeAuthorizationCode(hash: Sample.codeHash(), now: Sample.now)
        #expect(try fixture.store.authorizationCode(hash: Sample.codeHash())?.consumedAt == Sample.now)
    }

    @Test(arguments: StoreKind.allCases)
    func consumeAuthorizationCode_refusesSecondUse(kind: StoreKind) throws {
        let fixture = try Self.grantFixture(kind)
        try fixture.store.insertAuthorizationCode(Sample.code())
        #expect(try fixture.store.consumeAuthorizationCode(hash: Sample.codeHash(), now: Sample.now) != nil)

        try fixture.expectUnchanged { () throws in
            #expect(try fixture.store.consumeAuthorizationCode(hash: Sample.codeHash(), now: Sample.at(1)) == nil)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func consumeAuthorizationCode_refusesExpiredCode(kind: StoreKind) throws {
        let fixture = try Self.grantFixture(kind)
        try fixture.store.insertAuthorizationCode(Sample.code())
        let expiry = Sample.code().expiresAt

        try fixture.expectUnchanged { () throws in
            #expect(try fixture.store.consumeAuthorizationCode(hash: Sample.codeHash(), now: expiry) == nil)
        }
        #expect(try fixture.store.consumeAuthorizationCode(hash: Sample.codeHash(), now: expiry - 1) != nil)
    }

    @Test(arguments: StoreKind.allCases)
    func consumeAuthorizationCode_refusesUnknownCode(kind: StoreKind) throws {
        let fixture = try Self.grantFixture(kind)
        try fixture.store.insertAuthorizationCode(Sample.code())

        try fixture.expectUnchanged { () throws in
            #expect(try fixture.store.consumeAuthorizationCode(hash: Sample.codeHash(9), now: Sample.now) == nil)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func consumeAuthorizationCode_racingCallsHaveOneWinner(kind: StoreKind) throws {
        let fixture = try Self.grantFixture(kind)
        try fixture.store.insertAuthorizationCode(Sample.code())
        let store = fixture.store

        let outcome = race { _ in try store.consumeAuthorizationCode(hash: Sample.codeHash(), now: Sample.now) != nil }

        #expect(outcome.wins == 1)
        #expect(outcome.errors == [])
    }

    @Test(arguments: StoreKind.allCases)
    func insertAuthorizationCode_rejectsTakenHash(kind: StoreKind) throws {
        let fixture = try Self.grantFixture(kind)
        try fixture.store.insertAuthorizationCode(Sample.code())

        try fixture.expectUnchanged { () throws in
            let error = #expect(throws: StoreError.self) {
                try fixture.store.insertAuthorizationCode(Sample.code())
            }
            #expect(error?.code == .conflict)
        }
    }

    // MARK: Refresh tokens

    @Test(arguments: StoreKind.allCases)
    func insertRefreshToken_roundTripsEveryField(kind: StoreKind) throws {
        let fixture = try Self.grantFixture(kind)
        var spent = Sample.refreshToken(2)
        spent.usedAt = Sample.at(-5)
        spent.revokedAt = Sample.at(-2)
        spent.grant.amr = []
        try fixture.store.insertRefreshToken(Sample.refreshToken())
        try fixture.store.insertRefreshToken(spent)

        #expect(try fixture.store.refreshToken(hash: Sample.tokenHash()) == Sample.refreshToken())
        #expect(try fixture.store.refreshToken(hash: Sample.tokenHash(2)) == spent)
        #expect(try fixture.store.refreshToken(hash: Sample.tokenHash(3)) == nil)
    }

    @Test(arguments: StoreKind.allCases)
    func consumeRefreshToken_marksUsedOnce(kind: StoreKind) throws {
        let fixture = try Self.grantFixture(kind)
        try fixture.store.insertRefreshToken(Sample.refreshToken())
        var expected = Sample.refreshToken()
        expected.usedAt = Sample.now

        #expect(try fixture.store.consumeRefreshToken(hash: Sample.tokenHash(), now: Sample.now) == expected)
        try fixture.expectUnchanged { () throws in
            #expect(try fixture.store.consumeRefreshToken(hash: Sample.tokenHash(), now: Sample.at(1)) == nil)
        }
        #expect(try fixture.store.refreshToken(hash: Sample.tokenHash()) == expected)
    }

    @Test(arguments: StoreKind.allCases)
    func consumeRefreshToken_refusesExpiredToken(kind: StoreKind) throws {
        let fixture = try Self.grantFixture(kind)
        try fixture.store.insertRefreshToken(Sample.refreshToken())

        try fixture.expectUnchanged { () throws in
            let expiry = Sample.refreshToken().expiresAt
            #expect(try fixture.store.consumeRefreshToken(hash: Sample.tokenHash(), now: expiry) == nil)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func consumeRefreshToken_refusesRevokedToken(kind: StoreKind) throws {
        let fixture = try Self.grantFixture(kind)
        try fixture.store.insertRefreshToken(Sample.refreshToken())
        #expect(try fixture.store.revokeRefreshFamily(familyID: "family-1", at: Sample.now) == 1)

        try fixture.expectUnchanged { () throws in
            #expect(try fixture.store.consumeRefreshToken(hash: Sample.tokenHash(), now: Sample.now) == nil)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func insertRefreshToken_intoRevokedFamily_storesItRevoked(kind: StoreKind) throws {
        let fixture = try Self.grantFixture(kind)
        try fixture.store.insertRefreshToken(Sample.refreshToken())
        try fixture.store.revokeRefreshFamily(familyID: "family-1", at: Sample.at(-1))
        try fixture.store.insertRefreshToken(Sample.refreshToken(2))
        try fixture.store.insertRefreshToken(Sample.refreshToken(3, family: "family-2"))

        #expect(try fixture.store.refreshToken(hash: Sample.tokenHash(2))?.revokedAt == Sample.at(-1))
        #expect(try fixture.store.refreshToken(hash: Sample.tokenHash(3))?.revokedAt == nil)
        #expect(try fixture.store.consumeRefreshToken(hash: Sample.tokenHash(2), now: Sample.now) == nil)
    }

    /// A revocation racing the insert of a family's next token (a reused token on one node, its
    /// rotation on another) never leaves that token usable, whichever commits first.
    @Test(arguments: StoreKind.allCases)
    func revokeRefreshFamily_racingInsert_leavesNoLiveToken(kind: StoreKind) throws {
        let fixture = try Self.grantFixture(kind)
        let store = fixture.store
        for round in UInt8(0)..<8 {
            let family = "family-race-\(round)"
            try store.insertRefreshToken(Sample.refreshToken(10 + 2 * round, family: family))

            let outcome = race(2) { index in
                if index == 0 {
                    try store.insertRefreshToken(Sample.refreshToken(11 + 2 * round, family: family))
                } else {
                    try store.revokeRefreshFamily(familyID: family, at: Sample.now)
                }
                return true
            }

            #expect(outcome.errors == [])
            #expect(try store.refreshToken(hash: Sample.tokenHash(11 + 2 * round))?.revokedAt != nil)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func consumeRefreshToken_racingCallsHaveOneWinner(kind: StoreKind) throws {
        let fixture = try Self.grantFixture(kind)
        try fixture.store.insertRefreshToken(Sample.refreshToken())
        let store = fixture.store

        let outcome = race { _ in try store.consumeRefreshToken(hash: Sample.tokenHash(), now: Sample.now) != nil }

        #expect(outcome.wins == 1)
        #expect(outcome.errors == [])
    }

    @Test(arguments: StoreKind.allCases)
    func revokeRefreshFamily_revokesOnlyThatFamily(kind: StoreKind) throws {
        let fixture = try Self.grantFixture(kind)
        try fixture.store.insertRefreshToken(Sample.refreshToken(1))
        #expect(try fixture.store.consumeRefreshToken(hash: Sample.tokenHash(1), now: Sample.now) != nil)
        try fixture.store.insertRefreshToken(Sample.refreshToken(2))
        try fixture.store.insertRefreshToken(Sample.refreshToken(3, family: "family-2"))

        #expect(try fixture.store.revokeRefreshFamily(familyID: "family-1", at: Sample.at(5)) == 2)

        #expect(try fixture.store.refreshToken(hash: Sample.tokenHash(1))?.revokedAt == Sample.at(5))
        #expect(try fixture.store.refreshToken(hash: Sample.tokenHash(2))?.revokedAt == Sample.at(5))
        #expect(try fixture.store.consumeRefreshToken(hash: Sample.tokenHash(2), now: Sample.at(6)) == nil)
        #expect(try fixture.store.consumeRefreshToken(hash: Sample.tokenHash(3), now: Sample.at(6)) != nil)
    }

    @Test(arguments: StoreKind.allCases)
    func revokeRefreshFamily_countsOnlyNewlyRevoked(kind: StoreKind) throws {
        let fixture = try Self.grantFixture(kind)
        try fixture.store.insertRefreshToken(Sample.refreshToken())
        #expect(try fixture.store.revokeRefreshFamily(familyID: "family-1", at: Sample.now) == 1)

        try fixture.expectUnchanged { () throws in
            #expect(try fixture.store.revokeRefreshFamily(familyID: "family-1", at: Sample.at(9)) == 0)
            #expect(try fixture.store.revokeRefreshFamily(familyID: "family-9", at: Sample.at(9)) == 0)
        }
    }

    private static func grantFixture(_ kind: StoreKind) throws -> StoreFixture {
        let fixture = try StoreFixture(kind)
        try Sample.seed(fixture.store)
        return fixture
    }
}
