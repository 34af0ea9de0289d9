import Foundation
import Testing

@testable import StepgateStore

// A code's redemption and a refresh token's rotation: the use and the new refresh token are one
// transaction, so neither can happen without the other.
extension StoreContractTests {
    // MARK: Redeeming a code

    @Test(arguments: StoreKind.allCases)
    func redeemAuthorizationCode_spendsTheCodeAndStoresTheToken(kind: StoreKind) throws {
        let fixture = try Self.rotationFixture(kind)
        try fixture.store.insertAuthorizationCode(Sample.code())
        var consumed = Sample.code()
        consumed.consumedAt = Sample.now

        let redeemed = try fixture.store.redeemAuthorizationCode(
            hash: Sample.codeHash(),
            now: Sample.now,
            refreshToken: Sample.refreshToken()
        )

        #expect(redeemed == consumed)
        #expect(try fixture.store.authorizationCode(hash: Sample.codeHash()) == consumed)
        #expect(try fixture.store.refreshToken(hash: Sample.tokenHash()) == Sample.refreshToken())
    }

    @Test(arguments: StoreKind.allCases)
    func redeemAuthorizationCode_secondUse_storesNoToken(kind: StoreKind) throws {
        let fixture = try Self.rotationFixture(kind)
        try fixture.store.insertAuthorizationCode(Sample.code())
        _ = try fixture.store.redeemAuthorizationCode(
            hash: Sample.codeHash(),
            now: Sample.now,
            refreshToken: Sample.refreshToken()
        )

        try fixture.expectUnchanged { () throws in
            #expect(
                try fixture.store.redeemAuthorizationCode(
                    hash: Sample.codeHash(),
                    now: Sample.at(1),
                    refreshToken: Sample.refreshToken(2)
                ) == nil
            )
        }
    }

    @Test(arguments: StoreKind.allCases)
    func redeemAuthorizationCode_expiredOrUnknownCode_storesNoToken(kind: StoreKind) throws {
        let fixture = try Self.rotationFixture(kind)
        try fixture.store.insertAuthorizationCode(Sample.code())
        let expiry = Sample.code().expiresAt

        try fixture.expectUnchanged { () throws in
            #expect(
                try fixture.store.redeemAuthorizationCode(
                    hash: Sample.codeHash(),
                    now: expiry,
                    refreshToken: Sample.refreshToken()
                ) == nil
            )
            #expect(
                try fixture.store.redeemAuthorizationCode(
                    hash: Sample.codeHash(9),
                    now: Sample.now,
                    refreshToken: Sample.refreshToken()
                ) == nil
            )
        }
    }

    /// The token cannot be stored (its hash is taken): the code is not spent either, and a
    /// retry with another token redeems it.
    @Test(arguments: StoreKind.allCases)
    func redeemAuthorizationCode_tokenNotStored_leavesTheCodeUnspent(kind: StoreKind) throws {
        let fixture = try Self.rotationFixture(kind)
        try fixture.store.insertAuthorizationCode(Sample.code())
        try fixture.store.insertRefreshToken(Sample.refreshToken())

        try fixture.expectUnchanged { () throws in
            let error = #expect(throws: StoreError.self) {
                try fixture.store.redeemAuthorizationCode(
                    hash: Sample.codeHash(),
                    now: Sample.now,
                    refreshToken: Sample.refreshToken()
                )
            }
            #expect(error?.code == .conflict)
        }
        #expect(
            try fixture.store.redeemAuthorizationCode(
                hash: Sample.codeHash(),
                now: Sample.now,
                refreshToken: Sample.refreshToken(2)
            ) != nil
        )
    }

    /// A replay of the code marked its family revoked before this redemption stored its token
    /// (as on another node at the same moment): the token goes in revoked.
    @Test(arguments: StoreKind.allCases)
    func redeemAuthorizationCode_intoRevokedFamily_storesTheTokenRevoked(kind: StoreKind) throws {
        let fixture = try Self.rotationFixture(kind)
        try fixture.store.insertAuthorizationCode(Sample.code())
        try fixture.store.insertRefreshToken(Sample.refreshToken())
        try fixture.store.revokeRefreshFamily(familyID: "family-1", at: Sample.at(-1))

        #expect(
            try fixture.store.redeemAuthorizationCode(
                hash: Sample.codeHash(),
                now: Sample.now,
                refreshToken: Sample.refreshToken(2)
            ) != nil
        )
        #expect(try fixture.store.refreshToken(hash: Sample.tokenHash(2))?.revokedAt == Sample.at(-1))
    }

    @Test(arguments: StoreKind.allCases)
    func redeemAuthorizationCode_racingCalls_storeOneToken(kind: StoreKind) throws {
        let fixture = try Self.rotationFixture(kind)
        try fixture.store.insertAuthorizationCode(Sample.code())
        let store = fixture.store

        try Self.raceIssuance(store) { next in
            try store.redeemAuthorizationCode(hash: Sample.codeHash(), now: Sample.now, refreshToken: next) != nil
        }
    }

    // MARK: Rotating a refresh token

    @Test(arguments: StoreKind.allCases)
    func rotateRefreshToken_spendsTheTokenAndStoresItsSuccessor(kind: StoreKind) throws {
        let fixture = try Self.rotationFixture(kind)
        try fixture.store.insertRefreshToken(Sample.refreshToken())
        var used = Sample.refreshToken()
        used.usedAt = Sample.now

        let rotated = try fixture.store.rotateRefreshToken(
            hash: Sample.tokenHash(),
            now: Sample.now,
            next: Sample.refreshToken(2)
        )

        #expect(rotated == used)
        #expect(try fixture.store.refreshToken(hash: Sample.tokenHash()) == used)
        #expect(try fixture.store.refreshToken(hash: Sample.tokenHash(2)) == Sample.refreshToken(2))
    }

    @Test(arguments: StoreKind.allCases)
    func rotateRefreshToken_usedRevokedExpiredOrUnknown_storesNoSuccessor(kind: StoreKind) throws {
        let fixture = try Self.rotationFixture(kind)
        try fixture.store.insertRefreshToken(Sample.refreshToken())
        try fixture.store.insertRefreshToken(Sample.refreshToken(2, family: "family-2"))
        try fixture.store.insertRefreshToken(Sample.refreshToken(3, family: "family-3"))
        _ = try fixture.store.consumeRefreshToken(hash: Sample.tokenHash(), now: Sample.now)
        try fixture.store.revokeRefreshFamily(familyID: "family-2", at: Sample.now)
        let expiry = Sample.refreshToken(3).expiresAt

        try fixture.expectUnchanged { () throws in
            let attempts: [(UInt8, String, Date)] = [
                (1, "family-1", Sample.at(1)), (2, "family-2", Sample.at(1)), (3, "family-3", expiry),
                (9, "family-9", Sample.now),
            ]
            for (seed, family, now) in attempts {
                #expect(
                    try fixture.store.rotateRefreshToken(
                        hash: Sample.tokenHash(seed),
                        now: now,
                        next: Sample.refreshToken(30 + seed, family: family)
                    )
                        == nil
                )
            }
        }
    }

    /// The successor cannot be stored (its hash is taken): the token stays unused, and a retry
    /// with another successor rotates it.
    @Test(arguments: StoreKind.allCases)
    func rotateRefreshToken_successorNotStored_leavesTheTokenUsable(kind: StoreKind) throws {
        let fixture = try Self.rotationFixture(kind)
        try fixture.store.insertRefreshToken(Sample.refreshToken())
        try fixture.store.insertRefreshToken(Sample.refreshToken(2))

        try fixture.expectUnchanged { () throws in
            let error = #expect(throws: StoreError.self) {
                try fixture.store.rotateRefreshToken(
                    hash: Sample.tokenHash(),
                    now: Sample.now,
                    next: Sample.refreshToken(2)
                )
            }
            #expect(error?.code == .conflict)
        }
        #expect(
            try fixture.store.rotateRefreshToken(
                hash: Sample.tokenHash(),
                now: Sample.now,
                next: Sample.refreshToken(3)
            )
                != nil
        )
    }

    @Test(arguments: StoreKind.allCases)
    func rotateRefreshToken_successorInAnotherFamily_isRefused(kind: StoreKind) throws {
        let fixture = try Self.rotationFixture(kind)
        try fixture.store.insertRefreshToken(Sample.refreshToken())

        try fixture.expectUnchanged { () throws in
            let error = #expect(throws: StoreError.self) {
                try fixture.store.rotateRefreshToken(
                    hash: Sample.tokenHash(),
                    now: Sample.now,
                    next: Sample.refreshToken(2, family: "family-2")
                )
            }
            #expect(error?.code == .conflict)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func rotateRefreshToken_racingCalls_storeOneSuccessor(kind: StoreKind) throws {
        let fixture = try Self.rotationFixture(kind)
        try fixture.store.insertRefreshToken(Sample.refreshToken())
        let store = fixture.store

        try Self.raceIssuance(store) { next in
            try store.rotateRefreshToken(hash: Sample.tokenHash(), now: Sample.now, next: next) != nil
        }
    }

    /// A revocation racing a rotation of the same family (a reused token on one node, the
    /// rotation on another): no deadlock between their locks, and no live successor, whichever
    /// commits first.
    @Test(arguments: StoreKind.allCases)
    func rotateRefreshToken_racingRevocation_leavesNoLiveToken(kind: StoreKind) throws {
        let fixture = try Self.rotationFixture(kind)
        let store = fixture.store
        for round in UInt8(0)..<8 {
            let family = "family-rotation-\(round)"
            try store.insertRefreshToken(Sample.refreshToken(40 + 2 * round, family: family))

            let outcome = race(2) { index in
                if index == 0 {
                    _ = try store.rotateRefreshToken(
                        hash: Sample.tokenHash(40 + 2 * round),
                        now: Sample.now,
                        next: Sample.refreshToken(41 + 2 * round, family: family)
                    )
                } else {
                    try store.revokeRefreshFamily(familyID: family, at: Sample.now)
                }
                return true
            }

            #expect(outcome.errors == [])
            #expect(try store.refreshToken(hash: Sample.tokenHash(40 + 2 * round))?.revokedAt != nil)
            if let successor = try store.refreshToken(hash: Sample.tokenHash(41 + 2 * round)) {
                #expect(successor.revokedAt != nil)
            }
        }
    }

    /// Eight threads spend one code or token at once, each storing its own new refresh token
    /// (seeds 20 to 27) through `issue`: one wins, none fails, and only the winner's is stored.
    private static func raceIssuance(
        _ store: any Store,
        sourceLocation: SourceLocation = #_sourceLocation,
        _ issue: @escaping @Sendable (RefreshTokenRecord) throws -> Bool
    ) throws {
        let outcome = race { index in try issue(Sample.refreshToken(UInt8(20 + index))) }

        #expect(outcome.wins == 1, sourceLocation: sourceLocation)
        #expect(outcome.errors == [], sourceLocation: sourceLocation)
        let stored = try (20..<28).filter { try store.refreshToken(hash: Sample.tokenHash(UInt8($0))) != nil }
        #expect(stored.count == 1, sourceLocation: sourceLocation)
    }

    private static func rotationFixture(_ kind: StoreKind) throws -> StoreFixture {
        let fixture = try StoreFixture(kind)
        try Sample.seed(fixture.store)
        return fixture
    }
}
