import Foundation
import Testing

@testable import StepgateStore

/// The behaviour every `Store` must show, run on each `StoreKind` with a fresh store per test.
///
/// This file: users, factors, clients, the failure budget, revoked access tokens and signing
/// keys. Sessions and flows, and codes and refresh tokens, are in the `+` files beside it.
struct StoreContractTests {
    // MARK: Users

    @Test(arguments: StoreKind.allCases)
    func insertUser_roundTripsEveryField(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        var disabled = Sample.user("user-2", name: "bob")
        disabled.disabled = true
        try fixture.store.insertUser(Sample.user())
        try fixture.store.insertUser(disabled)

        #expect(try fixture.store.user(id: "user-1") == Sample.user())
        #expect(try fixture.store.user(name: "alice") == Sample.user())
        #expect(try fixture.store.user(name: "bob") == disabled)
    }

    @Test(arguments: StoreKind.allCases)
    func user_returnsNilWhenUnknown(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        try fixture.store.insertUser(Sample.user())

        #expect(try fixture.store.user(id: "nobody") == nil)
        #expect(try fixture.store.user(name: "Alice") == nil)
    }

    @Test(arguments: StoreKind.allCases)
    func insertUser_rejectsTakenName(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        try fixture.store.insertUser(Sample.user())

        try fixture.expectUnchanged { () throws in
            let error = #expect(throws: StoreError.self) {
                try fixture.store.insertUser(Sample.user("user-2", name: "alice"))
            }
            #expect(error?.code == .conflict)
            #expect(error?.detail.contains("alice") == false)
            #expect(error?.description.contains("argon2") == false)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func insertUser_rejectsTakenID(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        try fixture.store.insertUser(Sample.user())

        try fixture.expectUnchanged { () throws in
            let error = #expect(throws: StoreError.self) {
                try fixture.store.insertUser(Sample.user("user-1", name: "bob"))
            }
            #expect(error?.code == .conflict)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func setUserDisabled_setsFlagAndReportsUnknownUser(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        try fixture.store.insertUser(Sample.user())

        #expect(try fixture.store.setUserDisabled(id: "user-1", disabled: true))
        #expect(try fixture.store.user(id: "user-1")?.disabled == true)
        #expect(try fixture.store.setUserDisabled(id: "user-1", disabled: false))
        #expect(try fixture.store.user(id: "user-1")?.disabled == false)
        try fixture.expectUnchanged { () throws in
            #expect(try fixture.store.setUserDisabled(id: "nobody", disabled: true) == false)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func updatePasswordHash_replacesHashAndReportsUnknownUser(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        try fixture.store.insertUser(Sample.user())

        #expect(try fixture.store.updatePasswordHash(userID: "user-1", passwordHash: "$argon2id$new"))
        #expect(try fixture.store.user(id: "user-1")?.passwordHash == "$argon2id$new")
        try fixture.expectUnchanged { () throws in
            #expect(try fixture.store.updatePasswordHash(userID: "nobody", passwordHash: "x") == false)
        }
    }

    // MARK: Factors

    @Test(arguments: StoreKind.allCases)
    func insertFactor_roundTripsEveryField(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        try fixture.store.insertUser(Sample.user())
        try fixture.store.insertUser(Sample.user("user-2", name: "bob"))
        var used = Sample.factor("factor-2")
        used.lastUsedStep = 56_666_666
        used.sealedSecret = []
        used.createdAt = Sample.at(-100)
        try fixture.store.insertFactor(Sample.factor())
        try fixture.store.insertFactor(used)
        try fixture.store.insertFactor(Sample.factor("factor-3", userID: "user-2"))

        #expect(try fixture.store.factors(userID: "user-1") == [Sample.factor(), used])
        #expect(try fixture.store.factors(userID: "nobody") == [])
    }

    @Test(arguments: StoreKind.allCases)
    func consumeTOTPStep_acceptsFirstStep(kind: StoreKind) throws {
        let fixture = try Self.factorFixture(kind)

        #expect(try fixture.store.consumeTOTPStep(factorID: "factor-1", step: 100))
        #expect(try fixture.store.factors(userID: "user-1").first?.lastUsedStep == 100)
    }

    @Test(arguments: StoreKind.allCases)
    func consumeTOTPStep_rejectsEqualStep(kind: StoreKind) throws {
        let fixture = try Self.factorFixture(kind)
        #expect(try fixture.store.consumeTOTPStep(factorID: "factor-1", step: 100))

        try fixture.expectUnchanged { () throws in
            #expect(try fixture.store.consumeTOTPStep(factorID: "factor-1", step: 100) == false)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func consumeTOTPStep_rejectsLowerStep(kind: StoreKind) throws {
        let fixture = try Self.factorFixture(kind)
        #expect(try fixture.store.consumeTOTPStep(factorID: "factor-1", step: 100))

        try fixture.expectUnchanged { () throws in
            #expect(try fixture.store.consumeTOTPStep(factorID: "factor-1", step: 99) == false)
        }
        #expect(try fixture.store.factors(userID: "user-1").first?.lastUsedStep == 100)
    }

    @Test(arguments: StoreKind.allCases)
    func consumeTOTPStep_acceptsHigherStep(kind: StoreKind) throws {
        let fixture = try Self.factorFixture(kind)
        #expect(try fixture.store.consumeTOTPStep(factorID: "factor-1", step: 100))

        #expect(try fixture.store.consumeTOTPStep(factorID: "factor-1", step: 101))
        #expect(try fixture.store.factors(userID: "user-1").first?.lastUsedStep == 101)
    }

    @Test(arguments: StoreKind.allCases)
    func consumeTOTPStep_rejectsUnknownFactor(kind: StoreKind) throws {
        let fixture = try Self.factorFixture(kind)

        try fixture.expectUnchanged { () throws in
            #expect(try fixture.store.consumeTOTPStep(factorID: "factor-9", step: 1) == false)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func consumeTOTPStep_racingCallsHaveOneWinner(kind: StoreKind) throws {
        let fixture = try Self.factorFixture(kind)
        let store = fixture.store

        let outcome = race { _ in try store.consumeTOTPStep(factorID: "factor-1", step: 100) }

        #expect(outcome.wins == 1)
        #expect(outcome.errors == [])
    }

    private static func factorFixture(_ kind: StoreKind) throws -> StoreFixture {
        let fixture = try StoreFixture(kind)
        try fixture.store.insertUser(Sample.user())
        try fixture.store.insertFactor(Sample.factor())
        return fixture
    }

    // MARK: Clients

    @Test(arguments: StoreKind.allCases)
    func insertClient_roundTripsEveryField(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        let publicClient = ClientRecord(id: "public", secretHash: nil, redirectURIs: [], createdAt: Sample.now)
        try fixture.store.insertClient(Sample.client())
        try fixture.store.insertClient(publicClient)

        #expect(try fixture.store.client(id: "client-1") == Sample.client())
        #expect(try fixture.store.client(id: "public") == publicClient)
        #expect(try fixture.store.client(id: "public")?.isPublic == true)
        #expect(try fixture.store.client(id: "nobody") == nil)
    }

    @Test(arguments: StoreKind.allCases)
    func insertClient_rejectsTakenID(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        try fixture.store.insertClient(Sample.client())

        try fixture.expectUnchanged { () throws in
            let error = #expect(throws: StoreError.self) {
                try fixture.store.insertClient(
                    ClientRecord(
                        id: "client-1",
                        secretHash: nil,
                        redirectURIs: [],
                        createdAt: Sample.now
                    )
                )
            }
            #expect(error?.code == .conflict)
        }
    }

    // MARK: Failure budget

    @Test(arguments: StoreKind.allCases)
    func failureCount_countsFailuresAtOrAfterSince(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        for offset in [-300.0, -120, -60, -1] {
            try fixture.store.recordFailure(userID: "user-1", at: Sample.at(offset))
        }
        try fixture.store.recordFailure(userID: "user-2", at: Sample.at(-1))

        #expect(try fixture.store.failureCount(userID: "user-1", since: Sample.at(-120)) == 3)
        #expect(try fixture.store.failureCount(userID: "user-1", since: Sample.at(-1000)) == 4)
        #expect(try fixture.store.failureCount(userID: "user-1", since: Sample.now) == 0)
        #expect(try fixture.store.failureCount(userID: "nobody", since: Sample.at(-1000)) == 0)
    }

    @Test(arguments: StoreKind.allCases)
    func pruneFailures_dropsOnlyOlderFailures(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        for offset in [-300.0, -120, -60] {
            try fixture.store.recordFailure(userID: "user-1", at: Sample.at(offset))
        }

        try fixture.store.pruneFailures(before: Sample.at(-120))

        #expect(try fixture.store.failureCount(userID: "user-1", since: Sample.at(-1000)) == 2)
    }

    // MARK: Revoked access tokens

    @Test(arguments: StoreKind.allCases)
    func revokeAccessToken_isReportedOnlyForThatJTI(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        #expect(try fixture.store.isAccessTokenRevoked(jti: "jti-1") == false)

        try fixture.store.revokeAccessToken(jti: "jti-1", expiresAt: Sample.at(300))
        try fixture.store.revokeAccessToken(jti: "jti-1", expiresAt: Sample.at(200))

        #expect(try fixture.store.isAccessTokenRevoked(jti: "jti-1"))
        #expect(try fixture.store.isAccessTokenRevoked(jti: "jti-2") == false)
    }

    // MARK: Signing keys

    @Test(arguments: StoreKind.allCases)
    func signingKeys_areListedNewestFirst(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        let old = Sample.signingKey("k-old", createdAt: Sample.at(-1000))
        let new = Sample.signingKey("k-new", createdAt: Sample.now)
        let middle = Sample.signingKey("k-mid", createdAt: Sample.at(-500))
        for key in [middle, new, old] { try fixture.store.insertSigningKey(key) }

        #expect(try fixture.store.signingKeys() == [new, middle, old])
    }

    @Test(arguments: StoreKind.allCases)
    func retireSigningKeys_retiresAllOthersOnce(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        var retired = Sample.signingKey("k-1", createdAt: Sample.at(-2000))
        retired.retiredAt = Sample.at(-1000)
        try fixture.store.insertSigningKey(retired)
        try fixture.store.insertSigningKey(Sample.signingKey("k-2", createdAt: Sample.at(-500)))
        try fixture.store.insertSigningKey(Sample.signingKey("k-3", createdAt: Sample.now))

        try fixture.store.retireSigningKeys(except: "k-3", at: Sample.now)

        let keys = try fixture.store.signingKeys()
        #expect(keys.map(\.kid) == ["k-3", "k-2", "k-1"])
        #expect(keys.map(\.retiredAt) == [nil, Sample.now, Sample.at(-1000)])
    }

    @Test(arguments: StoreKind.allCases)
    func rotateSigningKey_addsTheKeyAndRetiresTheCurrentOneAtItsCreation(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        var retired = Sample.signingKey("k-1", createdAt: Sample.at(-2000))
        retired.retiredAt = Sample.at(-1000)
        try fixture.store.insertSigningKey(retired)
        try fixture.store.insertSigningKey(Sample.signingKey("k-2", createdAt: Sample.at(-500)))

        try fixture.store.rotateSigningKey(to: Sample.signingKey("k-3", createdAt: Sample.now))

        let keys = try fixture.store.signingKeys()
        #expect(keys.map(\.kid) == ["k-3", "k-2", "k-1"])
        #expect(keys.map(\.retiredAt) == [nil, Sample.now, Sample.at(-1000)])
    }

    @Test(arguments: StoreKind.allCases)
    func rotateSigningKey_withATakenKID_changesNothing(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        try fixture.store.insertSigningKey(Sample.signingKey("k-1", createdAt: Sample.at(-500)))
        try fixture.store.insertSigningKey(Sample.signingKey("k-2", createdAt: Sample.at(-100)))

        try fixture.expectUnchanged { () throws in
            let error = #expect(throws: StoreError.self) {
                try fixture.store.rotateSigningKey(to: Sample.signingKey("k-1", createdAt: Sample.now))
            }
            #expect(error?.code == .conflict)
        }
        #expect(try fixture.store.signingKeys().map(\.retiredAt) == [nil, nil])
    }

    @Test(arguments: StoreKind.allCases)
    func insertFirstSigningKey_addsOnlyToAnEmptyTable(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        let first = Sample.signingKey("k-1", createdAt: Sample.at(-100))

        #expect(try fixture.store.insertFirstSigningKey(first))
        try fixture.expectUnchanged { () throws in
            #expect(try fixture.store.insertFirstSigningKey(Sample.signingKey("k-2", createdAt: Sample.now)) == false)
        }
        #expect(try fixture.store.signingKeys() == [first])
    }

    @Test(arguments: StoreKind.allCases)
    func insertSigningKey_rejectsTakenKID(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        try fixture.store.insertSigningKey(Sample.signingKey("k-1", createdAt: Sample.now))

        try fixture.expectUnchanged { () throws in
            let error = #expect(throws: StoreError.self) {
                try fixture.store.insertSigningKey(Sample.signingKey("k-1", createdAt: Sample.at(5)))
            }
            #expect(error?.code == .conflict)
        }
    }
}
