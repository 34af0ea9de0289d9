import Foundation
import Synchronization
import Testing

@testable import StepgateStore

// Step-up challenges and transaction grants.
extension StoreContractTests {
    static func challenge(_ id: String = "ch-1", sessionSeed: UInt8 = 1) -> ChallengeRecord {
        ChallengeRecord(
            id: id,
            sessionIDHash: Sample.sessionHash(sessionSeed),
            action: "transfer",
            acr: "aal2",
            maxAge: 300,
            transactionHash: "txn-hash",
            details: #"{"fields":{"amount":"10.00"}}"#,
            returnTo: "/bank/",
            createdAt: Sample.now,
            expiresAt: Sample.at(300)
        )
    }

    static func transactionGrant(hash: String = "txn-hash", expiresAt: Date = Sample.at(300)) -> TransactionGrantRecord
    {
        TransactionGrantRecord(
            sessionIDHash: Sample.sessionHash(),
            userID: "user-1",
            action: "transfer",
            transactionHash: hash,
            createdAt: Sample.now,
            expiresAt: expiresAt
        )
    }

    @Test(arguments: StoreKind.allCases)
    func challenge_roundTrips_andCompletesOnceForItsSession(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        try Sample.seed(fixture.store)
        try fixture.store.insertChallenge(Self.challenge())
        #expect(try fixture.store.challenge(id: "ch-1") == Self.challenge())

        try fixture.expectUnchanged { () throws in
            #expect(
                try fixture.store.completeChallenge(id: "ch-1", sessionIDHash: Sample.sessionHash(2), now: Sample.now)
                    == nil
            )
            #expect(
                try fixture.store.completeChallenge(
                    id: "ch-1",
                    sessionIDHash: Sample.sessionHash(),
                    now: Sample.at(300)
                ) == nil
            )
            #expect(
                try fixture.store.completeChallenge(id: "nope", sessionIDHash: Sample.sessionHash(), now: Sample.now)
                    == nil
            )
        }
        let completed = try fixture.store.completeChallenge(
            id: "ch-1",
            sessionIDHash: Sample.sessionHash(),
            now: Sample.at(10)
        )
        #expect(completed?.completedAt == Sample.at(10))
        try fixture.expectUnchanged { () throws in
            #expect(
                try fixture.store.completeChallenge(id: "ch-1", sessionIDHash: Sample.sessionHash(), now: Sample.at(11))
                    == nil
            )
        }
    }

    @Test(arguments: StoreKind.allCases)
    func insertChallenge_forUnknownSession_isConflict(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        try fixture.expectUnchanged { () throws in
            let error = #expect(throws: StoreError.self) { try fixture.store.insertChallenge(Self.challenge()) }
            #expect(error?.code == .conflict)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func transactionGrant_isConsumedOnce_onlyForItsTransaction(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        try Sample.seed(fixture.store)
        try fixture.store.insertTransactionGrant(Self.transactionGrant())

        try fixture.expectUnchanged { () throws in
            for (session, action, hash, now) in [
                (Sample.sessionHash(2), "transfer", "txn-hash", Sample.now),
                (Sample.sessionHash(), "payee", "txn-hash", Sample.now),
                (Sample.sessionHash(), "transfer", "other-hash", Sample.now),
                (Sample.sessionHash(), "transfer", "txn-hash", Sample.at(300)),
            ] {
                #expect(
                    try !fixture.store.consumeTransactionGrant(
                        sessionIDHash: session,
                        action: action,
                        transactionHash: hash,
                        now: now
                    )
                )
            }
        }
        let consume = {
            try fixture.store.consumeTransactionGrant(
                sessionIDHash: Sample.sessionHash(),
                action: "transfer",
                transactionHash: "txn-hash",
                now: Sample.at(5)
            )
        }
        #expect(try consume())
        try fixture.expectUnchanged { () throws in #expect(try !consume()) }
    }

    @Test(arguments: StoreKind.allCases)
    func transactionGrant_racedTwice_isConsumedOnce(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        try Sample.seed(fixture.store)
        try fixture.store.insertTransactionGrant(Self.transactionGrant())
        let wins = Mutex(0)
        let store = fixture.store
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            let won =
                (try? store.consumeTransactionGrant(
                    sessionIDHash: Sample.sessionHash(),
                    action: "transfer",
                    transactionHash: "txn-hash",
                    now: Sample.at(5)
                )) ?? false
            if won { wins.withLock { $0 += 1 } }
        }
        #expect(wins.withLock { $0 } == 1)
    }

    @Test(arguments: StoreKind.allCases)
    func rotateSession_movesChallengesAndGrants(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        try Sample.seed(fixture.store)
        try fixture.store.insertChallenge(Self.challenge())
        try fixture.store.insertTransactionGrant(Self.transactionGrant())
        #expect(
            try fixture.store.rotateSession(
                from: Sample.sessionHash(),
                to: Sample.sessionHash(9),
                lastSeenAt: Sample.now
            )
        )

        #expect(try fixture.store.challenge(id: "ch-1")?.sessionIDHash == Sample.sessionHash(9))
        #expect(
            try fixture.store.consumeTransactionGrant(
                sessionIDHash: Sample.sessionHash(9),
                action: "transfer",
                transactionHash: "txn-hash",
                now: Sample.at(5)
            )
        )
    }

    @Test(arguments: StoreKind.allCases)
    func tokenTransaction_isConsumedOnce(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        #expect(try fixture.store.consumeTokenTransaction(jti: "jti-1", expiresAt: Sample.at(300), now: Sample.now))
        try fixture.expectUnchanged { () throws in
            #expect(
                try !fixture.store.consumeTokenTransaction(jti: "jti-1", expiresAt: Sample.at(300), now: Sample.at(1))
            )
        }
        #expect(try fixture.store.consumeTokenTransaction(jti: "jti-2", expiresAt: Sample.at(300), now: Sample.now))
    }
}
