import StepgateCore
import StepgateCrypto
import StepgateTestSupport
import Testing

/// `WebAuthnChallenge`: the nonce, the transaction binding, and what it refuses to bind.
struct WebAuthnChallengeTests {
    static let transaction = Transaction(fields: [
        .init(name: "body.amount", value: "10.00"), .init(name: "body.payee", value: "A"),
    ])

    @Test
    func init_withoutTransactionIsTheNonce() {
        let challenge = WebAuthnChallenge(random: CountingRandom())
        #expect(challenge.bytes == Array(0..<32))
        #expect(challenge.base64URL == Base64URL.encode(Array(0..<32)))
        #expect(!challenge.binds(transactionHash: Self.transaction.hash))
    }

    @Test
    func init_withTransactionAppendsDocumentedBinding() {
        let hash = Self.transaction.hash
        let challenge = WebAuthnChallenge(random: CountingRandom(), transactionHash: hash)
        let binding = Digest.sha256(Array("stepgate-webauthn-transaction-v1\n".utf8) + Array(hash.utf8))
        #expect(challenge.bytes == Array(0..<32) + binding)
        #expect(challenge.binds(transactionHash: hash))
    }

    @Test
    func binds_refusesOtherTransaction() {
        let challenge = WebAuthnChallenge(random: SystemRandom(), transactionHash: Self.transaction.hash)
        let other = Transaction(fields: [
            .init(name: "body.amount", value: "10000.00"), .init(name: "body.payee", value: "A"),
        ])
        #expect(!challenge.binds(transactionHash: other.hash))
    }

    @Test
    func binds_refusesTamperedOrTruncatedChallenge() {
        let hash = Self.transaction.hash
        var bytes = WebAuthnChallenge(random: SystemRandom(), transactionHash: hash).bytes
        bytes[40] ^= 1
        #expect(!WebAuthnChallenge(bytes: bytes).binds(transactionHash: hash))
        #expect(!WebAuthnChallenge(bytes: Array(bytes.suffix(32))).binds(transactionHash: hash))
    }

    @Test
    func init_givesFreshNonceEachTime() {
        let hash = Self.transaction.hash
        let first = WebAuthnChallenge(random: SystemRandom(), transactionHash: hash)
        let second = WebAuthnChallenge(random: SystemRandom(), transactionHash: hash)
        #expect(first != second)
        #expect(first.bytes.suffix(32) == second.bytes.suffix(32))
    }

    @Test
    func verifyAssertion_acceptsBoundChallengeOnlyForItsTransaction() throws {
        let hash = Self.transaction.hash
        let challenge = WebAuthnChallenge(random: SystemRandom(), transactionHash: hash)
        let authenticator = try SoftAuthenticator()
        var ceremony = SoftAuthenticator.Ceremony()
        ceremony.challenge = challenge.bytes
        var assertion = try authenticator.assertion(ceremony)
        assertion.challenge = challenge.bytes
        let verifier = WebAuthnVerifier(relyingParty: SoftAuthenticator.relyingParty)
        #expect(throws: Never.self) { try verifier.verifyAssertion(assertion, of: authenticator.record()) }
        let signed = try CollectedClientData(json: assertion.clientDataJSON).challenge
        #expect(WebAuthnChallenge(bytes: signed).binds(transactionHash: hash))
    }

    @Test(
        arguments: [
            ([], [AuthenticationMethod.hwk, .user]), ([.userVerified], [.hwk, .pin]),
            ([.backupEligible], [.swk, .user]), ([.backupEligible, .backedUp, .userVerified], [.swk, .pin]),
        ] as [(AuthenticatorData.Flags, [AuthenticationMethod])]
    )
    func authenticationMethods_mapBackupEligibilityAndVerification(
        _ flags: AuthenticatorData.Flags,
        _ expected: [AuthenticationMethod]
    ) throws {
        let authenticator = try SoftAuthenticator()
        var ceremony = SoftAuthenticator.Ceremony()
        ceremony.flags = flags.union(.userPresent)
        var assertion = try authenticator.assertion(ceremony)
        assertion.requiresUserVerification = false
        let record = authenticator.record(flags: flags)
        let verifier = WebAuthnVerifier(relyingParty: SoftAuthenticator.relyingParty)
        #expect(try verifier.verifyAssertion(assertion, of: record).authenticationMethods == expected)
    }
}
