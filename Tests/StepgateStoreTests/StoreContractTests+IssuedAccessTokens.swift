import Foundation
import Testing

@testable import StepgateStore

// The access token issued with each refresh token: stored with it, and revoked with its family
// or with every token of its user at a password change.
extension StoreContractTests {
    /// Refresh token `seed` in `family`, of `userID`, carrying access token `jti` that expires
    /// `expiresIn` seconds after `Sample.now`.
    static func issued(
        _ seed: UInt8,
        family: String = "family-1",
        userID: String = "user-1",
        jti: String,
        expiresIn: TimeInterval = 600
    ) -> RefreshTokenRecord {
        var token = Sample.refreshToken(seed, family: family)
        token.grant = Sample.grant(userID: userID)
        token.accessTokenID = jti
        token.accessTokenExpiresAt = Sample.at(expiresIn)
        return token
    }

    static func issuedFixture(_ kind: StoreKind) throws -> StoreFixture {
        let fixture = try StoreFixture(kind)
        try Sample.seed(fixture.store)
        try fixture.store.insertUser(Sample.user("user-2", name: "bob"))
        return fixture
    }

    @Test(arguments: StoreKind.allCases)
    func refreshToken_keepsTheAccessTokenIssuedWithIt(kind: StoreKind) throws {
        let fixture = try Self.issuedFixture(kind)
        try fixture.store.insertRefreshToken(Self.issued(1, jti: "access-1"))
        try fixture.store.insertAuthorizationCode(Sample.code())
        _ = try fixture.store.redeemAuthorizationCode(
            hash: Sample.codeHash(),
            now: Sample.now,
            refreshToken: Self.issued(2, family: "family-2", jti: "access-2")
        )
        _ = try fixture.store.rotateRefreshToken(
            hash: Sample.tokenHash(1),
            now: Sample.now,
            next: Self.issued(3, jti: "access-3")
        )

        for (seed, jti) in [(UInt8(1), "access-1"), (2, "access-2"), (3, "access-3")] {
            let stored = try #require(try fixture.store.refreshToken(hash: Sample.tokenHash(seed)))
            #expect(stored.accessTokenID == jti)
            #expect(stored.accessTokenExpiresAt == Sample.at(600))
        }
    }

    @Test(arguments: StoreKind.allCases)
    func revokeRefreshFamily_revokesItsUnexpiredAccessTokensOnly(kind: StoreKind) throws {
        let fixture = try Self.issuedFixture(kind)
        let store = fixture.store
        try store.insertRefreshToken(Self.issued(1, jti: "access-1"))
        try store.insertRefreshToken(Self.issued(2, jti: "access-expired", expiresIn: 0))
        try store.insertRefreshToken(Self.issued(3, family: "family-2", jti: "access-other-family"))
        try store.insertRefreshToken(Sample.refreshToken(4))  // no access token recorded

        #expect(try store.revokeRefreshFamily(familyID: "family-1", at: Sample.now) == 3)

        #expect(try store.isAccessTokenRevoked(jti: "access-1"))
        #expect(try store.isAccessTokenRevoked(jti: "access-expired") == false)
        #expect(try store.isAccessTokenRevoked(jti: "access-other-family") == false)
        // Again: nothing new, and the revocation keeps its expiry.
        try fixture.expectUnchanged { () throws in
            #expect(try store.revokeRefreshFamily(familyID: "family-1", at: Sample.at(1)) == 0)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func changePassword_revokesTheUsersAccessTokens_andDeletesUnredeemedCodes(kind: StoreKind) throws {
        let fixture = try Self.issuedFixture(kind)
        let store = fixture.store
        try store.insertRefreshToken(Self.issued(1, jti: "access-alice"))
        try store.insertRefreshToken(Self.issued(2, family: "family-2", userID: "user-2", jti: "access-bob"))
        try store.insertAuthorizationCode(Sample.code(1))
        #expect(try store.consumeAuthorizationCode(hash: Sample.codeHash(1), now: Sample.at(-1)) != nil)
        try store.insertAuthorizationCode(Sample.code(2))
        var bobs = Sample.code(3)
        bobs.grant = Sample.grant(userID: "user-2")
        try store.insertAuthorizationCode(bobs)

        let change = PasswordChange(
            userID: "user-1",
            expectedHash: Sample.user().passwordHash,
            newHash: "$argon2id$v=19$m=19456,t=2,p=1$bmV3c2FsdA$bmV3aGFzaA",
            keptSession: nil,
            at: Sample.now
        )
        #expect(try store.changePassword(change) != nil)

        #expect(try store.isAccessTokenRevoked(jti: "access-alice"))
        #expect(try store.isAccessTokenRevoked(jti: "access-bob") == false)
        #expect(try store.authorizationCode(hash: Sample.codeHash(1)) != nil, "a redeemed code stays to detect replays")
        #expect(try store.authorizationCode(hash: Sample.codeHash(2)) == nil)
        #expect(try store.authorizationCode(hash: Sample.codeHash(3)) != nil)
    }

    /// A refresh racing a password change (on two nodes): whichever commits first, no refresh
    /// token of the user stays usable and no access token issued with one stays unrevoked.
    @Test(arguments: StoreKind.allCases)
    func rotateRefreshToken_racingAPasswordChange_leavesNothingUsable(kind: StoreKind) throws {
        let fixture = try Self.issuedFixture(kind)
        let store = fixture.store
        var hash = Sample.user().passwordHash
        for round in UInt8(0)..<8 {
            let family = "family-race-\(round)"
            try store.insertRefreshToken(Self.issued(60 + 2 * round, family: family, jti: "access-\(round)-a"))
            let newHash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$round\(round)"
            let change = PasswordChange(
                userID: "user-1",
                expectedHash: hash,
                newHash: newHash,
                keptSession: nil,
                at: Sample.now
            )

            let outcome = race(2) { index in
                if index == 0 {
                    _ = try store.rotateRefreshToken(
                        hash: Sample.tokenHash(60 + 2 * round),
                        now: Sample.now,
                        next: Self.issued(61 + 2 * round, family: family, jti: "access-\(round)-b")
                    )
                } else {
                    _ = try store.changePassword(change)
                }
                return true
            }
            hash = newHash

            #expect(outcome.errors == [])
            for seed in [60 + 2 * round, 61 + 2 * round] {
                if let token = try store.refreshToken(hash: Sample.tokenHash(seed)) {
                    #expect(token.revokedAt != nil, "round \(round): token \(seed) stays usable")
                }
            }
            for jti in ["access-\(round)-a", "access-\(round)-b"]
            where try store.refreshToken(hash: Sample.tokenHash(61 + 2 * round)) != nil || jti.hasSuffix("a") {
                #expect(try store.isAccessTokenRevoked(jti: jti), "round \(round): \(jti) not revoked")
            }
        }
    }
}
