import Foundation
import Testing

@testable import StepgateStore

// WebAuthn credentials and ceremonies, one-time codes, recovery codes, factor removal and
// remembered devices.
extension StoreContractTests {
    static func credential(_ id: String = "cred-1", credentialID: [UInt8] = [1, 2, 3]) -> WebAuthnCredentialRecord {
        WebAuthnCredentialRecord(
            id: id,
            userID: "user-1",
            credentialID: credentialID,
            publicKey: [0xA5, 1, 2],
            algorithm: -7,
            signCount: 5,
            aaguid: Array(repeating: 0, count: 16),
            backupEligible: false,
            backupState: false,
            userVerifying: true,
            transports: ["usb", "nfc"],
            attestationFormat: "packed",
            attestationType: "self",
            kind: "security_key",
            label: "Blue key",
            createdAt: Sample.now
        )
    }

    static func ceremony(_ id: String = "cer-1", expiresAt: Date = Sample.at(300)) -> WebAuthnCeremonyRecord {
        WebAuthnCeremonyRecord(
            id: id,
            sessionIDHash: Sample.sessionHash(),
            userID: "user-1",
            purpose: .authenticate,
            challengeHash: [9, 9, 9],
            flowID: "flow-1",
            transactionHash: "txn",
            userVerificationRequired: true,
            createdAt: Sample.now,
            expiresAt: expiresAt
        )
    }

    static func oneTimeCode(_ id: String = "otc-1", hash: [UInt8] = [7], at offset: TimeInterval = 0)
        -> OneTimeCodeRecord
    {
        OneTimeCodeRecord(
            id: id,
            userID: "user-1",
            factorID: "factor-1",
            sessionIDHash: Sample.sessionHash(),
            flowID: "flow-1",
            codeHash: hash,
            attempts: 0,
            createdAt: Sample.at(offset),
            expiresAt: Sample.at(offset + 300)
        )
    }

    @Test(arguments: StoreKind.allCases)
    func webAuthnCredential_roundTrips(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        try Sample.seed(fixture.store)
        try fixture.store.insertWebAuthnCredential(Self.credential())
        #expect(try fixture.store.webAuthnCredential(credentialID: [1, 2, 3]) == Self.credential())
        #expect(try fixture.store.webAuthnCredentials(userID: "user-1") == [Self.credential()])
        #expect(try fixture.store.webAuthnCredential(credentialID: [9]) == nil)
    }

    @Test(arguments: StoreKind.allCases)
    func insertWebAuthnCredential_sameCredentialIDIsConflict(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        try Sample.seed(fixture.store)
        try fixture.store.insertUser(Sample.user("user-2", name: "bob"))
        try fixture.store.insertWebAuthnCredential(Self.credential())
        var other = Self.credential("cred-2")
        other.userID = "user-2"
        try fixture.expectUnchanged { () throws in
            let error = #expect(throws: StoreError.self) { try fixture.store.insertWebAuthnCredential(other) }
            #expect(error?.code == .conflict)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func recordWebAuthnUse_needsTheStoredCounter(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        try Sample.seed(fixture.store)
        try fixture.store.insertWebAuthnCredential(Self.credential())
        try fixture.expectUnchanged { () throws in
            #expect(
                try !fixture.store.recordWebAuthnUse(
                    id: "cred-1",
                    previousSignCount: 4,
                    signCount: 6,
                    backupState: true,
                    at: Sample.at(5)
                )
            )
        }
        #expect(
            try fixture.store.recordWebAuthnUse(
                id: "cred-1",
                previousSignCount: 5,
                signCount: 6,
                backupState: true,
                at: Sample.at(5)
            )
        )
        let stored = try fixture.store.webAuthnCredential(credentialID: [1, 2, 3])
        #expect(stored?.signCount == 6)
        #expect(stored?.backupState == true)
        #expect(stored?.lastUsedAt == Sample.at(5))
    }

    @Test(arguments: StoreKind.allCases)
    func recordWebAuthnUse_racedWithOneCounterWinsOnce(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        try Sample.seed(fixture.store)
        try fixture.store.insertWebAuthnCredential(Self.credential())
        let store = fixture.store
        let outcome = race { index in
            try store.recordWebAuthnUse(
                id: "cred-1",
                previousSignCount: 5,
                signCount: Int64(6 + index),
                backupState: false,
                at: Sample.now
            )
        }
        #expect(outcome.wins == 1)
        #expect(outcome.errors.isEmpty)
    }

    @Test(arguments: StoreKind.allCases)
    func disableWebAuthnCredential_onceAndThenUnusable(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        try Sample.seed(fixture.store)
        try fixture.store.insertWebAuthnCredential(Self.credential())
        #expect(try fixture.store.disableWebAuthnCredential(id: "cred-1", reason: "counter_regressed", at: Sample.now))
        let stored = try fixture.store.webAuthnCredential(credentialID: [1, 2, 3])
        #expect(stored?.disabledAt == Sample.now)
        #expect(stored?.disabledReason == "counter_regressed")
        try fixture.expectUnchanged { () throws in
            #expect(try !fixture.store.disableWebAuthnCredential(id: "cred-1", reason: "x", at: Sample.at(1)))
            #expect(
                try !fixture.store.recordWebAuthnUse(
                    id: "cred-1",
                    previousSignCount: 5,
                    signCount: 6,
                    backupState: false,
                    at: Sample.at(1)
                )
            )
        }
    }

    @Test(arguments: StoreKind.allCases)
    func deleteWebAuthnCredential_onlyTheOwners(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        try Sample.seed(fixture.store)
        try fixture.store.insertWebAuthnCredential(Self.credential())
        try fixture.expectUnchanged { () throws in
            #expect(try !fixture.store.deleteWebAuthnCredential(id: "cred-1", userID: "user-2"))
        }
        #expect(try fixture.store.deleteWebAuthnCredential(id: "cred-1", userID: "user-1"))
        #expect(try fixture.store.webAuthnCredentials(userID: "user-1").isEmpty)
    }

    @Test(arguments: StoreKind.allCases)
    func webAuthnUserHandle_setOnce(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        try Sample.seed(fixture.store)
        #expect(try fixture.store.webAuthnUserHandle(userID: "user-1") == nil)
        #expect(try fixture.store.setWebAuthnUserHandle(userID: "user-1", handle: [1, 1]))
        try fixture.expectUnchanged { () throws in
            #expect(try !fixture.store.setWebAuthnUserHandle(userID: "user-1", handle: [2, 2]))
        }
        #expect(try fixture.store.webAuthnUserHandle(userID: "user-1") == [1, 1])
    }

    @Test(arguments: StoreKind.allCases)
    func webAuthnCeremony_consumedOnceBySession(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        try Sample.seed(fixture.store)
        try fixture.store.insertWebAuthnCeremony(Self.ceremony())
        try fixture.expectUnchanged { () throws in
            #expect(
                try fixture.store.consumeWebAuthnCeremony(
                    id: "cer-1",
                    sessionIDHash: Sample.sessionHash(2),
                    now: Sample.now
                ) == nil
            )
            #expect(
                try fixture.store.consumeWebAuthnCeremony(
                    id: "cer-1",
                    sessionIDHash: Sample.sessionHash(),
                    now: Sample.at(300)
                ) == nil
            )
        }
        var expected = Self.ceremony()
        expected.consumedAt = Sample.at(1)
        #expect(
            try fixture.store.consumeWebAuthnCeremony(
                id: "cer-1",
                sessionIDHash: Sample.sessionHash(),
                now: Sample.at(1)
            )
                == expected
        )
        try fixture.expectUnchanged { () throws in
            #expect(
                try fixture.store.consumeWebAuthnCeremony(
                    id: "cer-1",
                    sessionIDHash: Sample.sessionHash(),
                    now: Sample.at(2)
                ) == nil
            )
        }
    }

    @Test(arguments: StoreKind.allCases)
    func webAuthnCeremony_racedIsConsumedOnce(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        try Sample.seed(fixture.store)
        try fixture.store.insertWebAuthnCeremony(Self.ceremony())
        let store = fixture.store
        let outcome = race { _ in
            try store.consumeWebAuthnCeremony(id: "cer-1", sessionIDHash: Sample.sessionHash(), now: Sample.now) != nil
        }
        #expect(outcome.wins == 1)
        #expect(outcome.errors.isEmpty)
    }

    @Test(arguments: StoreKind.allCases)
    func webAuthnCeremony_followsSessionRotation(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        try Sample.seed(fixture.store)
        try fixture.store.insertWebAuthnCeremony(Self.ceremony())
        #expect(
            try fixture.store.rotateSession(
                from: Sample.sessionHash(),
                to: Sample.sessionHash(3),
                lastSeenAt: Sample.now
            )
        )
        #expect(
            try fixture.store.consumeWebAuthnCeremony(
                id: "cer-1",
                sessionIDHash: Sample.sessionHash(3),
                now: Sample.now
            )
                != nil
        )
    }

    @Test(arguments: StoreKind.allCases)
    func oneTimeCode_acceptedOnceAndCountsWrongAnswers(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        try Sample.seed(fixture.store)
        try fixture.store.insertFactor(Sample.factor())
        try fixture.store.insertOneTimeCode(Self.oneTimeCode())
        let store = fixture.store
        func answer(_ hash: [UInt8], at offset: TimeInterval = 1, session: UInt8 = 1) throws -> OneTimeCodeAnswer {
            try store.answerOneTimeCode(
                sessionIDHash: Sample.sessionHash(session),
                factorID: "factor-1",
                codeHash: hash,
                maxAttempts: 3,
                now: Sample.at(offset)
            )
        }
        try fixture.expectUnchanged { () throws in
            #expect(try answer([7], session: 2) == .unavailable)
            #expect(try answer([7], at: 300) == .unavailable)
        }
        #expect(try answer([8]) == .wrong(attempts: 1))
        guard case .accepted(let record) = try answer([7]) else {
            Issue.record("expected the code to be accepted")
            return
        }
        #expect(record.attempts == 1)
        #expect(record.consumedAt == Sample.at(1))
        try fixture.expectUnchanged { () throws in
            #expect(try answer([7]) == .unavailable)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func oneTimeCode_attemptsRunOut(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        try Sample.seed(fixture.store)
        try fixture.store.insertFactor(Sample.factor())
        try fixture.store.insertOneTimeCode(Self.oneTimeCode())
        for expected in 1...3 {
            #expect(
                try fixture.store.answerOneTimeCode(
                    sessionIDHash: Sample.sessionHash(),
                    factorID: "factor-1",
                    codeHash: [0],
                    maxAttempts: 3,
                    now: Sample.now
                ) == .wrong(attempts: expected)
            )
        }
        try fixture.expectUnchanged { () throws in
            #expect(
                try fixture.store.answerOneTimeCode(
                    sessionIDHash: Sample.sessionHash(),
                    factorID: "factor-1",
                    codeHash: [7],
                    maxAttempts: 3,
                    now: Sample.now
                ) == .unavailable
            )
        }
    }

    @Test(arguments: StoreKind.allCases)
    func oneTimeCode_newCodeClosesTheOlder(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        try Sample.seed(fixture.store)
        try fixture.store.insertFactor(Sample.factor())
        try fixture.store.insertOneTimeCode(Self.oneTimeCode("otc-1", hash: [1]))
        try fixture.store.insertOneTimeCode(Self.oneTimeCode("otc-2", hash: [2], at: 30))
        #expect(try fixture.store.oneTimeCodesSent(factorID: "factor-1", since: Sample.now) == 2)
        #expect(try fixture.store.oneTimeCodesSent(factorID: "factor-1", since: Sample.at(1)) == 1)
        #expect(
            try fixture.store.lastOneTimeCodeSent(sessionIDHash: Sample.sessionHash(), factorID: "factor-1")
                == Sample.at(30)
        )
        let answer = try fixture.store.answerOneTimeCode(
            sessionIDHash: Sample.sessionHash(),
            factorID: "factor-1",
            codeHash: [1],
            maxAttempts: 3,
            now: Sample.at(31)
        )
        #expect(answer == .wrong(attempts: 1))
    }

    @Test(arguments: StoreKind.allCases)
    func openOneTimeCode_isTheNewestStillAnswerable(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        try Sample.seed(fixture.store)
        try fixture.store.insertFactor(Sample.factor())
        try fixture.store.insertOneTimeCode(Self.oneTimeCode("otc-1", hash: [1]))
        try fixture.store.insertOneTimeCode(Self.oneTimeCode("otc-2", hash: [2], at: 30))
        func open(at offset: TimeInterval, session: UInt8 = 1) throws -> OneTimeCodeRecord? {
            try fixture.store.openOneTimeCode(
                sessionIDHash: Sample.sessionHash(session),
                factorID: "factor-1",
                now: Sample.at(offset)
            )
        }

        #expect(try open(at: 31)?.id == "otc-2")
        #expect(try open(at: 31)?.flowID == "flow-1")
        #expect(try open(at: 31, session: 2) == nil)
        #expect(try open(at: 330) == nil)
        _ = try fixture.store.answerOneTimeCode(
            sessionIDHash: Sample.sessionHash(),
            factorID: "factor-1",
            codeHash: [2],
            maxAttempts: 3,
            now: Sample.at(32)
        )
        #expect(try open(at: 33) == nil)
    }

    @Test(arguments: StoreKind.allCases)
    func oneTimeCode_racedRightAnswersAcceptOnce(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        try Sample.seed(fixture.store)
        try fixture.store.insertFactor(Sample.factor())
        try fixture.store.insertOneTimeCode(Self.oneTimeCode())
        let store = fixture.store
        let outcome = race { _ in
            let answer = try store.answerOneTimeCode(
                sessionIDHash: Sample.sessionHash(),
                factorID: "factor-1",
                codeHash: [7],
                maxAttempts: 3,
                now: Sample.now
            )
            if case .accepted = answer { return true }
            return false
        }
        #expect(outcome.wins == 1)
        #expect(outcome.errors.isEmpty)
    }

    @Test(arguments: StoreKind.allCases)
    func recoveryCodes_replacedAndUsedOnce(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        try Sample.seed(fixture.store)
        try fixture.store.replaceRecoveryCodes(userID: "user-1", hashes: [[1], [2], [3]], at: Sample.now)
        #expect(try fixture.store.recoveryCodeCount(userID: "user-1") == RecoveryCodeCount(unused: 3, total: 3))
        #expect(try fixture.store.consumeRecoveryCode(userID: "user-1", hash: [2], now: Sample.at(1)))
        try fixture.expectUnchanged { () throws in
            #expect(try !fixture.store.consumeRecoveryCode(userID: "user-1", hash: [2], now: Sample.at(2)))
            #expect(try !fixture.store.consumeRecoveryCode(userID: "user-1", hash: [9], now: Sample.at(2)))
            #expect(try !fixture.store.consumeRecoveryCode(userID: "user-2", hash: [1], now: Sample.at(2)))
        }
        #expect(try fixture.store.recoveryCodeCount(userID: "user-1") == RecoveryCodeCount(unused: 2, total: 3))
        try fixture.store.replaceRecoveryCodes(userID: "user-1", hashes: [[4]], at: Sample.at(3))
        #expect(try fixture.store.recoveryCodeCount(userID: "user-1") == RecoveryCodeCount(unused: 1, total: 1))
        #expect(try !fixture.store.consumeRecoveryCode(userID: "user-1", hash: [1], now: Sample.at(4)))
    }

    @Test(arguments: StoreKind.allCases)
    func recoveryCode_racedIsUsedOnce(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        try Sample.seed(fixture.store)
        try fixture.store.replaceRecoveryCodes(userID: "user-1", hashes: [[1]], at: Sample.now)
        let store = fixture.store
        let outcome = race { _ in try store.consumeRecoveryCode(userID: "user-1", hash: [1], now: Sample.now) }
        #expect(outcome.wins == 1)
        #expect(outcome.errors.isEmpty)
    }

    @Test(arguments: StoreKind.allCases)
    func deleteFactor_onlyTheOwnersAndItsCodesGo(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        try Sample.seed(fixture.store)
        var factor = Sample.factor()
        factor.kind = "sms"
        factor.label = "•••• 1234"
        try fixture.store.insertFactor(factor)
        #expect(try fixture.store.factor(id: "factor-1") == factor)
        try fixture.store.insertOneTimeCode(Self.oneTimeCode())
        try fixture.expectUnchanged { () throws in
            #expect(try !fixture.store.deleteFactor(id: "factor-1", userID: "user-2"))
        }
        #expect(try fixture.store.deleteFactor(id: "factor-1", userID: "user-1"))
        #expect(try fixture.store.factor(id: "factor-1") == nil)
        #expect(try fixture.store.oneTimeCodesSent(factorID: "factor-1", since: .distantPast) == 0)
    }

    @Test(arguments: StoreKind.allCases)
    func devices_rememberedAndForgotten(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        try Sample.seed(fixture.store)
        try fixture.store.rememberDevice(userID: "user-1", deviceIDHash: [1], fingerprint: "f", at: Sample.now)
        try fixture.store.rememberDevice(userID: "user-1", deviceIDHash: [2], fingerprint: "g", at: Sample.at(5))
        #expect(try fixture.store.devices(userID: "user-1").map(\.deviceIDHash) == [[2], [1]])
        #expect(
            try fixture.store.setDeviceRemembered(
                userID: "user-1",
                deviceIDHash: [1],
                until: Sample.at(3600),
                label: "Firefox on Linux"
            )
        )
        let remembered = try fixture.store.device(userID: "user-1", deviceIDHash: [1])
        #expect(remembered?.rememberedUntil == Sample.at(3600))
        #expect(remembered?.label == "Firefox on Linux")
        try fixture.expectUnchanged { () throws in
            #expect(try !fixture.store.setDeviceRemembered(userID: "user-2", deviceIDHash: [1], until: nil, label: nil))
        }
        #expect(try fixture.store.setDeviceRemembered(userID: "user-1", deviceIDHash: [1], until: nil, label: nil))
        let forgotten = try fixture.store.device(userID: "user-1", deviceIDHash: [1])
        #expect(forgotten?.rememberedUntil == nil)
        #expect(forgotten?.label == "Firefox on Linux")
    }

    @Test(arguments: StoreKind.allCases)
    func confirmFactor_onlyFromTheNamedKind(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        try Sample.seed(fixture.store)
        var factor = Sample.factor()
        factor.kind = "totp_pending"
        try fixture.store.insertFactor(factor)
        try fixture.expectUnchanged { () throws in
            #expect(
                try !fixture.store.confirmFactor(id: "factor-1", userID: "user-2", from: "totp_pending", to: "totp")
            )
            #expect(try !fixture.store.confirmFactor(id: "factor-1", userID: "user-1", from: "sms_pending", to: "sms"))
        }
        #expect(try fixture.store.confirmFactor(id: "factor-1", userID: "user-1", from: "totp_pending", to: "totp"))
        #expect(try fixture.store.factor(id: "factor-1")?.kind == "totp")
        try fixture.expectUnchanged { () throws in
            #expect(
                try !fixture.store.confirmFactor(id: "factor-1", userID: "user-1", from: "totp_pending", to: "totp")
            )
        }
    }
}
