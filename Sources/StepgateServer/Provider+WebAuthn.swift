import Foundation
import StepgateCore
import StepgateCrypto
import StepgateStore

/// The fields of a WebAuthn assertion as a page or a client posts them, each base64url.
struct WebAuthnAssertionFields: Sendable {
    var credentialID: [UInt8]
    var clientDataJSON: [UInt8]
    var authenticatorData: [UInt8]
    var signature: [UInt8]
    /// Nil when the authenticator sent none (a non-discoverable credential).
    var userHandle: [UInt8]?

    /// The assertion from `credential_id`, `client_data`, `authenticator_data`, `signature` and
    /// `user_handle`; nil when one is missing, too long or not base64url.
    init?(_ fields: (String) -> String?) {
        func bytes(_ name: String, limit: Int) -> [UInt8]? {
            guard let text = fields(name), !text.isEmpty, text.utf8.count <= limit else { return nil }
            return Base64URL.decode(text)
        }
        guard let credentialID = bytes("credential_id", limit: 1_400),
            let clientDataJSON = bytes("client_data", limit: 8_192),
            let authenticatorData = bytes("authenticator_data", limit: 8_192),
            let signature = bytes("signature", limit: 1_400)
        else { return nil }
        self.credentialID = credentialID
        self.clientDataJSON = clientDataJSON
        self.authenticatorData = authenticatorData
        self.signature = signature
        self.userHandle = bytes("user_handle", limit: 128)
    }
}

extension WebAuthnRequestOptions {
    /// `PublicKeyCredentialRequestOptions` as JSON (binary members base64url), for the JSON API.
    var json: JSONValue {
        .object([
            "challenge": .string(Base64URL.encode(challenge)),
            "rpId": .string(relyingPartyID),
            "allowCredentials": .array(
                allowCredentials.map { .object(["type": "public-key", "id": .string(Base64URL.encode($0))]) }
            ),
            "userVerification": .string(userVerification),
            "timeout": .integer(Int64(timeoutMilliseconds)),
        ])
    }
}

extension Provider {
    /// The relying party ceremonies are checked for: `webauthn.rp_id` and `webauthn.origins`.
    var relyingParty: WebAuthnRelyingParty {
        WebAuthnRelyingParty(id: configuration.relyingPartyID, origins: Set(configuration.relyingPartyOrigins))
    }

    /// The transaction the flow approves, when it approves one: a `/stepup` challenge's, or the
    /// one `authorization_details` named.
    func flowTransactionHash(_ context: FlowContext) throws -> String? {
        if let id = context.request.stepUpChallenge { return try store.challenge(id: id)?.transactionHash }
        return context.request.transaction?.hash
    }

    /// A new authentication ceremony for the WebAuthn step of `prompt`: its challenge (bound to
    /// the flow's transaction, when there is one), kept as a hash, for this session and flow.
    func startWebAuthnCeremony(_ context: FlowContext, prompt: FlowPrompt) throws -> WebAuthnRequestOptions? {
        guard let userID = context.session.record.userID, case .webauthn(let verification) = prompt.step else {
            return nil
        }
        let credentials = try eligibleCredentials(userID: userID, prompt: prompt)
        let transactionHash = try flowTransactionHash(context)
        let challenge = WebAuthnChallenge(random: random, transactionHash: transactionHash)
        let now = clock.now
        let ceremony = WebAuthnCeremonyRecord(
            id: random.token(byteCount: 18),
            sessionIDHash: context.session.idHash,
            userID: userID,
            purpose: .authenticate,
            challengeHash: Digest.sha256(challenge.bytes),
            flowID: context.flow.id,
            transactionHash: transactionHash,
            userVerificationRequired: verification,
            createdAt: now,
            expiresAt: now.addingTimeInterval(configuration.webAuthnTimeout + 60)
        )
        try store.insertWebAuthnCeremony(ceremony)
        return WebAuthnRequestOptions(
            ceremonyID: ceremony.id,
            challenge: challenge.bytes,
            relyingPartyID: configuration.relyingPartyID,
            allowCredentials: credentials.map(\.credentialID),
            userVerification: verification ? "required" : "preferred",
            timeoutMilliseconds: Int(configuration.webAuthnTimeout * 1000)
        )
    }

    /// Answers the WebAuthn step. The ceremony is used up first (once, by this session and flow,
    /// unexpired), then the assertion is checked (WebAuthn §7.2) against one of the user's
    /// credentials that the step offered; the counter is stored with one conditional update.
    /// A counter that went backwards disables the credential and tells the user.
    func answerWebAuthn(
        _ context: FlowContext,
        prompt: FlowPrompt,
        ceremonyID: String,
        assertion: WebAuthnAssertionFields,
        requestID: String
    ) throws -> FlowAnswer {
        guard let userID = context.session.record.userID else {
            return FlowAnswer(outcome: try nextOutcome(context, requestID: requestID))
        }
        let attempt: Int
        switch try beginAnswer(context, userID: userID, requestID: requestID) {
        case .attempt(let reserved): attempt = reserved
        case .stop(let answer): return answer
        }
        var method = AuthenticationMethod.hwk
        let rejection = try checkAssertion(
            context,
            prompt: prompt,
            ceremonyID: ceremonyID,
            assertion: assertion,
            method: &method,
            requestID: requestID
        )
        return try settleAnswer(
            context,
            SettledAnswer(step: prompt.step, method: method, userID: userID, attempt: attempt, rejection: rejection),
            requestID: requestID
        )
    }

    /// A fixed reason code when the assertion is refused; nil, with `method` set to what it
    /// proved, when it is accepted (and its counter stored).
    private func checkAssertion(
        _ context: FlowContext,
        prompt: FlowPrompt,
        ceremonyID: String,
        assertion: WebAuthnAssertionFields,
        method: inout AuthenticationMethod,
        requestID: String
    ) throws -> String? {
        let now = clock.now
        guard let userID = context.session.record.userID,
            let ceremony = try store.consumeWebAuthnCeremony(
                id: ceremonyID,
                sessionIDHash: context.session.idHash,
                now: now
            ),
            ceremony.purpose == .authenticate, ceremony.flowID == context.flow.id, ceremony.userID == userID
        else { return "ceremony_invalid" }
        // The challenge is kept as a hash: read the one the browser signed and compare hashes.
        guard let clientData = try? CollectedClientData(json: assertion.clientDataJSON),
            constantTimeEquals(Digest.sha256(clientData.challenge), ceremony.challengeHash)
        else { return "webauthn_challenge_mismatch" }
        if let transactionHash = ceremony.transactionHash,
            !WebAuthnChallenge(bytes: clientData.challenge).binds(transactionHash: transactionHash)
        {
            return "webauthn_transaction_mismatch"
        }
        guard let stored = try store.webAuthnCredential(credentialID: assertion.credentialID),
            stored.userID == userID, stored.disabledAt == nil,
            try eligibleCredentials(userID: userID, prompt: prompt).contains(where: { $0.id == stored.id }),
            let userHandle = try store.webAuthnUserHandle(userID: userID)
        else { return "credential_not_allowed" }

        let result: WebAuthnAssertionResult
        do {
            result = try WebAuthnVerifier(relyingParty: relyingParty).verifyAssertion(
                WebAuthnAssertion(
                    challenge: clientData.challenge,
                    requiresUserVerification: ceremony.userVerificationRequired,
                    credentialID: assertion.credentialID,
                    clientDataJSON: assertion.clientDataJSON,
                    authenticatorData: assertion.authenticatorData,
                    signature: assertion.signature,
                    userHandle: assertion.userHandle
                ),
                of: Self.credential(stored, userHandle: userHandle)
            )
        } catch {
            if error.code == .counterRegressed {
                try credentialCloned(stored, requestID: requestID)
            }
            return "webauthn_\(error.code)"
        }
        guard
            try store.recordWebAuthnUse(
                id: stored.id,
                previousSignCount: stored.signCount,
                signCount: Int64(result.signCount),
                backupState: result.isBackedUp,
                at: now
            )
        else { return "credential_race" }
        let (plain, verified) = Self.webAuthnMethods(backupEligible: result.isBackupEligible)
        method = result.isUserVerified ? verified : plain
        let proved = method
        guard prompt.target.contains(where: { proved.satisfies($0) }) else { return "method_insufficient" }
        return nil
    }

    /// A counter that went backwards: the credential may be a copy. It is switched off, the
    /// event audited, and the user told.
    private func credentialCloned(_ credential: WebAuthnCredentialRecord, requestID: String) throws {
        guard try store.disableWebAuthnCredential(id: credential.id, reason: "counter_regressed", at: clock.now)
        else { return }
        audit(
            .credentialCounterRegressed,
            requestID: requestID,
            [
                AuditKey.subject: credential.userID, AuditKey.factorID: credential.id,
                AuditKey.factorKind: credential.kind,
            ]
        )
        logger.notice(
            "credential disabled: counter went backwards",
            [LogKey.requestID: requestID, LogKey.subject: credential.userID]
        )
        try notifyFactorChange(
            userID: credential.userID,
            change: .credentialDisabled(label: credential.label),
            requestID: requestID
        )
    }

    /// The verifier's view of a stored credential.
    static func credential(_ stored: WebAuthnCredentialRecord, userHandle: [UInt8]) -> WebAuthnCredential {
        WebAuthnCredential(
            id: stored.credentialID,
            userHandle: userHandle,
            publicKey: stored.publicKey,
            signCount: UInt32(clamping: stored.signCount),
            aaguid: stored.aaguid,
            isBackupEligible: stored.backupEligible,
            isBackedUp: stored.backupState,
            isUserVerified: stored.userVerifying,
            attestationFormat: AttestationFormat(rawValue: stored.attestationFormat),
            attestationType: AttestationType(rawValue: stored.attestationType),
            transports: stored.transports
        )
    }
}
