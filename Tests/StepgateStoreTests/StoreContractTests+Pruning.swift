import Foundation
import Testing

@testable import StepgateStore

// Deleting expired rows: what goes, what stays, refresh families as a whole, batches.
extension StoreContractTests {
    /// The cutoff the tests prune at: a day before `Sample.now`.
    static let pruneCutoff = Sample.at(-86_400)
    /// Expired well before the cutoff.
    static let longAgo = Sample.at(-3 * 86_400)

    /// How many rows `table` holds, read from the state dump.
    static func rowCount(_ fixture: StoreFixture, _ table: String) throws -> Int {
        let dump = String(decoding: try fixture.stateDump() ?? [], as: UTF8.self)
        return dump.split(separator: "\n").filter { $0.hasPrefix(table + ": ") }.count
    }

    /// A store with one row that expired before the cutoff and one that did not, in every table
    /// pruned by its own expiry; the expired session carries a flow, a challenge, a grant, a
    /// ceremony and a code that have not expired themselves.
    static func storeWithExpiredRows(_ kind: StoreKind) throws -> StoreFixture {
        let fixture = try StoreFixture(kind)
        let store = fixture.store
        try Sample.seed(store)  // session 1, live
        try store.insertFactor(Sample.factor())
        var old = Sample.session(2)
        old.createdAt = Sample.at(-40 * 86_400)
        old.lastSeenAt = Self.longAgo
        old.expiresAt = Self.longAgo
        try store.insertSession(old)
        try store.insertFlow(Sample.flow("flow-of-old-session", sessionSeed: 2))

        var expiredFlow = Sample.flow("flow-expired")
        expiredFlow.expiresAt = Self.longAgo
        try store.insertFlow(expiredFlow)
        try store.insertFlow(Sample.flow("flow-live"))

        var expiredCode = Sample.code(1)
        expiredCode.expiresAt = Self.longAgo
        try store.insertAuthorizationCode(expiredCode)
        try store.insertAuthorizationCode(Sample.code(2))

        var expiredChallenge = Self.challenge("challenge-expired")
        expiredChallenge.expiresAt = Self.longAgo
        try store.insertChallenge(expiredChallenge)
        try store.insertChallenge(Self.challenge("challenge-live"))
        try store.insertChallenge(Self.challenge("challenge-of-old-session", sessionSeed: 2))

        try store.insertTransactionGrant(Self.transactionGrant(hash: "grant-expired", expiresAt: Self.longAgo))
        try store.insertTransactionGrant(Self.transactionGrant(hash: "grant-live"))

        try store.insertWebAuthnCeremony(Self.ceremony("ceremony-expired", expiresAt: Self.longAgo))
        try store.insertWebAuthnCeremony(Self.ceremony("ceremony-live"))

        try store.insertOneTimeCode(Self.oneTimeCode("otc-expired", hash: [1], at: -3 * 86_400))
        try store.insertOneTimeCode(Self.oneTimeCode("otc-live", hash: [2]))

        try store.revokeAccessToken(jti: "jti-expired", expiresAt: Self.longAgo)
        try store.revokeAccessToken(jti: "jti-live", expiresAt: Sample.at(600))
        _ = try store.consumeTokenTransaction(jti: "txn-expired", expiresAt: Self.longAgo, now: Self.longAgo)
        _ = try store.consumeTokenTransaction(jti: "txn-live", expiresAt: Sample.at(600), now: Sample.now)
        _ = try store.consumeDPoPProof(jtiHash: [0xD1], expiresAt: Self.longAgo, now: Self.longAgo)
        _ = try store.consumeDPoPProof(jtiHash: [0xD2], expiresAt: Sample.at(60), now: Sample.now)
        return fixture
    }

    @Test(arguments: StoreKind.allCases)
    func pruneExpired_deletesRowsThatExpiredBeforeTheCutoff_andKeepsTheRest(kind: StoreKind) throws {
        let fixture = try Self.storeWithExpiredRows(kind)
        let store = fixture.store

        let deleted = try store.pruneExpired(before: Self.pruneCutoff, limit: 100)

        // Session 2 (its flow and challenge go with it, uncounted) and one expired row from
        // each of the nine other tables.
        #expect(deleted == 10)
        #expect(try store.session(idHash: Sample.sessionHash(2)) == nil)
        #expect(try store.session(idHash: Sample.sessionHash(1)) != nil)
        #expect(try store.flow(id: "flow-of-old-session") == nil, "gone with its session")
        #expect(try store.challenge(id: "challenge-of-old-session") == nil, "gone with its session")
        #expect(try store.flow(id: "flow-expired") == nil)
        #expect(try store.flow(id: "flow-live") != nil)
        #expect(try store.authorizationCode(hash: Sample.codeHash(1)) == nil)
        #expect(try store.authorizationCode(hash: Sample.codeHash(2)) != nil)
        #expect(try store.challenge(id: "challenge-expired") == nil)
        #expect(try store.challenge(id: "challenge-live") != nil)
        #expect(try store.isAccessTokenRevoked(jti: "jti-expired") == false)
        #expect(try store.isAccessTokenRevoked(jti: "jti-live"))
        for table in [
            "transaction_grants", "webauthn_ceremonies", "one_time_codes", "consumed_token_transactions",
            "dpop_proofs",
        ] {
            #expect(try Self.rowCount(fixture, table) == 1, "\(table) keeps only its live row")
        }
        #expect(try store.consumeDPoPProof(jtiHash: [0xD2], expiresAt: Sample.at(60), now: Sample.now) == false)
        #expect(try store.consumeTokenTransaction(jti: "txn-live", expiresAt: Sample.at(600), now: Sample.now) == false)

        try fixture.expectUnchanged { () throws in
            #expect(try store.pruneExpired(before: Self.pruneCutoff, limit: 100) == 0)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func pruneExpired_keepsRowsThatExpiredAfterTheCutoff(kind: StoreKind) throws {
        let fixture = try Self.storeWithExpiredRows(kind)

        try fixture.expectUnchanged { () throws in
            #expect(try fixture.store.pruneExpired(before: Self.longAgo, limit: 100) == 0)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func pruneExpired_deletesAtMostLimitRowsPerTablePerCall(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        let store = fixture.store
        for index in 0..<5 {
            try store.revokeAccessToken(jti: "jti-\(index)", expiresAt: Self.longAgo)
            _ = try store.consumeDPoPProof(jtiHash: [UInt8(index)], expiresAt: Self.longAgo, now: Self.longAgo)
        }

        #expect(try store.pruneExpired(before: Self.pruneCutoff, limit: 2) == 4)
        #expect(try Self.rowCount(fixture, "revoked_access_tokens") == 3)
        #expect(try Self.rowCount(fixture, "dpop_proofs") == 3)
        #expect(try store.pruneExpired(before: Self.pruneCutoff, limit: 2) == 4)
        #expect(try store.pruneExpired(before: Self.pruneCutoff, limit: 2) == 2)
        #expect(try store.pruneExpired(before: Self.pruneCutoff, limit: 2) == 0)
        #expect(try store.pruneExpired(before: Self.pruneCutoff, limit: 0) == 0)
    }

    @Test(arguments: StoreKind.allCases)
    func pruneExpired_deletesARefreshFamilyOnlyWhenAllOfItHasExpired(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        let store = fixture.store
        try Sample.seed(store)
        // family-1: a rotated token long expired, its successor still valid.
        var rotated = Sample.refreshToken(1, family: "family-1")
        rotated.expiresAt = Self.longAgo
        rotated.usedAt = Self.longAgo
        try store.insertRefreshToken(rotated)
        try store.insertRefreshToken(Sample.refreshToken(2, family: "family-1"))
        // family-2: every token expired.
        for seed in [UInt8(3), 4] {
            var token = Sample.refreshToken(seed, family: "family-2")
            token.expiresAt = Self.longAgo
            try store.insertRefreshToken(token)
        }

        #expect(try store.pruneExpired(before: Self.pruneCutoff, limit: 100) == 2)

        #expect(try store.refreshToken(hash: Sample.tokenHash(1)) != nil, "a rotated token of a live family stays")
        #expect(try store.refreshToken(hash: Sample.tokenHash(2)) != nil)
        #expect(try store.refreshToken(hash: Sample.tokenHash(3)) == nil)
        #expect(try store.refreshToken(hash: Sample.tokenHash(4)) == nil)
    }
}
