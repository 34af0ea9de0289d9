import Foundation
import StepgateCore
import StepgateCrypto
import StepgateHTTP
import StepgateStore

/// Adding a security key or a passkey from the account page (WebAuthn §7.1).
///
/// A passkey is asked for on this device (`platform`), discoverable, with user verification
/// required; a security key is asked for as a roaming authenticator (`cross-platform`), not
/// discoverable, with user verification discouraged. Attestation `direct` is requested so the
/// format (`none` or `packed`) and type are recorded; no attestation root is trusted yet.
extension Provider {
    /// `POST /account/webauthn` with `kind`: on to the registration page (the gate runs there).
    func startWebAuthnEnrolment(_ request: HTTPRequest) throws -> HTTPResponse {
        let kind = ((try? request.formBody().single("kind")) ?? nil) ?? ""
        guard Self.credentialKinds.contains(kind) else { return errorPage(400, "Unknown kind of security key.") }
        return try managing(request) { _, _ in .redirect(to: "/account/webauthn?kind=\(kind)") }
    }

    static let credentialKinds = ["passkey", "security_key"]

    /// `GET /account/webauthn?kind=passkey|security_key`: the registration page, with a new
    /// ceremony whose challenge is kept as a hash.
    func webAuthnEnrolmentPage(_ request: HTTPRequest) throws -> HTTPResponse {
        let kind = (try? request.parseQuery().single("kind")).flatMap { $0 } ?? ""
        guard Self.credentialKinds.contains(kind) else { return errorPage(400, "Unknown kind of security key.") }
        return try managing(request, returnTo: "/account/webauthn?kind=\(kind)") { session, user in
            var response = HTTPResponse.html(
                200,
                try webAuthnEnrolmentHTML(kind: kind, session: session, user: user, failed: false)
            )
            response.headers.set("Content-Security-Policy", ContentSecurityPolicy.policy(scripts: true))
            return response
        }
    }

    private func webAuthnEnrolmentHTML(kind: String, session: SessionContext, user: UserRecord, failed: Bool)
        throws -> String
    {
        let handle = try userHandle(userID: user.id)
        let challenge = WebAuthnChallenge(random: random)
        let now = clock.now
        let ceremony = WebAuthnCeremonyRecord(
            id: random.token(byteCount: 18),
            sessionIDHash: session.idHash,
            userID: user.id,
            purpose: .register,
            challengeHash: Digest.sha256(challenge.bytes),
            flowID: nil,
            transactionHash: nil,
            userVerificationRequired: kind == "passkey",
            createdAt: now,
            expiresAt: now.addingTimeInterval(configuration.webAuthnTimeout + 60)
        )
        try store.insertWebAuthnCeremony(ceremony)
        let exclude = try store.webAuthnCredentials(userID: user.id).map { Base64URL.encode($0.credentialID) }
        let passkey = kind == "passkey"
        let noun = passkey ? "passkey" : "security key"
        let intro =
            passkey
            ? "A passkey lives on this device and unlocks with your fingerprint, face or screen lock."
            : "Plug in or hold your security key near the device, then touch it when it blinks."
        let error = failed ? "<p class=\"error\" role=\"alert\">That did not work. Try again.</p>" : ""
        let body = """
            \(error)
            <p>\(intro)</p>
            <form method="post" action="/account/webauthn/finish" data-webauthn="create" \
            data-challenge="\(challenge.base64URL)" data-rp-id="\(HTML.escape(configuration.relyingPartyID))" \
            data-rp-name="\(HTML.escape(configuration.serviceName))" data-user-id="\(Base64URL.encode(handle))" \
            data-user-name="\(HTML.escape(user.name))" data-exclude="\(exclude.joined(separator: " "))" \
            data-algorithms="-7 -8 -257" data-attachment="\(passkey ? "platform" : "cross-platform")" \
            data-resident-key="\(passkey ? "required" : "discouraged")" \
            data-user-verification="\(passkey ? "required" : "discouraged")" data-attestation="direct" \
            data-timeout="\(Int(configuration.webAuthnTimeout * 1000))">
            <input type="hidden" name="csrf" value="\(csrfToken(session: session, scope: "account"))">
            <input type="hidden" name="ceremony" value="\(ceremony.id)">
            <input type="hidden" name="kind" value="\(kind)">
            <input type="hidden" name="credential_id" value="">
            <input type="hidden" name="client_data" value="">
            <input type="hidden" name="attestation_object" value="">
            <input type="hidden" name="transports" value="">
            <label for="label">Name (so you can tell your \(noun)s apart)</label>
            <input type="text" id="label" name="label" maxlength="64" autocomplete="off" \
            placeholder="\(passkey ? "My laptop" : "Blue key")">
            <button type="submit" id="webauthn-start">Add \(noun)</button>
            <p class="note" id="webauthn-status" role="status"></p>
            </form>
            <noscript><p class="error">Adding a \(noun) needs JavaScript.</p></noscript>
            <p><a href="/account">Cancel</a></p>
            <script src="/static/webauthn.js"></script>
            """
        return HTML.page(title: "Add a \(noun)", body: body)
    }

    /// The user's WebAuthn user handle: 32 random bytes made on first use, never the user ID.
    func userHandle(userID: String) throws -> [UInt8] {
        if let handle = try store.webAuthnUserHandle(userID: userID) { return handle }
        _ = try store.setWebAuthnUserHandle(userID: userID, handle: random.bytes(32))
        guard let handle = try store.webAuthnUserHandle(userID: userID) else {
            throw ServerError.corruptData("user vanished while its WebAuthn handle was set")
        }
        return handle
    }

    /// `POST /account/webauthn/finish`: checks the new credential and adds it.
    func finishWebAuthnEnrolment(_ request: HTTPRequest) throws -> HTTPResponse {
        try managing(request) { session, user in
            let form = try? request.formBody()
            func field(_ name: String) -> String? { (try? form?.single(name)) ?? nil }
            let kind = field("kind") ?? ""
            guard Self.credentialKinds.contains(kind), let ceremonyID = field("ceremony") else {
                return errorPage(400, "This form is not complete. Start again from your account page.")
            }
            let outcome = try registerCredential(
                kind: kind,
                ceremonyID: ceremonyID,
                field: field,
                session: session,
                user: user,
                requestID: request.requestID
            )
            switch outcome {
            case .added(let credential):
                try factorChanged(
                    .factorAdded,
                    userID: user.id,
                    factorID: credential.id,
                    factorKind: kind,
                    change: .added(kind: kind, label: credential.label),
                    requestID: request.requestID
                )
                return accountDone(kind == "passkey" ? .passkey : .securityKey)
            case .refused(let reason):
                logger.notice(
                    "credential refused",
                    [LogKey.requestID: request.requestID, LogKey.subject: user.id, LogKey.reason: reason]
                )
                var response = HTTPResponse.html(
                    400,
                    try webAuthnEnrolmentHTML(kind: kind, session: session, user: user, failed: true)
                )
                response.headers.set("Content-Security-Policy", ContentSecurityPolicy.policy(scripts: true))
                return response
            }
        }
    }

    private enum Registration {
        case added(WebAuthnCredentialRecord)
        /// A fixed reason code, for the log.
        case refused(String)
    }

    private func registerCredential(
        kind: String,
        ceremonyID: String,
        field: (String) -> String?,
        session: SessionContext,
        user: UserRecord,
        requestID: String
    ) throws -> Registration {
        let now = clock.now
        guard
            let ceremony = try store.consumeWebAuthnCeremony(id: ceremonyID, sessionIDHash: session.idHash, now: now),
            ceremony.purpose == .register, ceremony.userID == user.id
        else { return .refused("ceremony_invalid") }
        guard let clientDataText = field("client_data"), clientDataText.utf8.count <= 8_192,
            let clientDataJSON = Base64URL.decode(clientDataText),
            let attestationText = field("attestation_object"), attestationText.utf8.count <= 65_536,
            let attestationObject = Base64URL.decode(attestationText),
            let clientData = try? CollectedClientData(json: clientDataJSON),
            constantTimeEquals(Digest.sha256(clientData.challenge), ceremony.challengeHash)
        else { return .refused("webauthn_challenge_mismatch") }
        let transports = (field("transports") ?? "").split(separator: " ").prefix(8).map(String.init)
            .filter { ["usb", "nfc", "ble", "internal", "hybrid", "smart-card"].contains($0) }
        let handle = try userHandle(userID: user.id)
        let verified: WebAuthnCredential
        do {
            verified = try WebAuthnVerifier(relyingParty: relyingParty).verifyRegistration(
                WebAuthnRegistration(
                    challenge: clientData.challenge,
                    userHandle: handle,
                    requiresUserVerification: ceremony.userVerificationRequired,
                    clientDataJSON: clientDataJSON,
                    attestationObject: attestationObject,
                    transports: transports
                )
            )
        } catch {
            return .refused("webauthn_\(error.code)")
        }
        let label = Self.credentialLabel(field("label"), kind: kind, now: now)
        let record = WebAuthnCredentialRecord(
            id: "c_" + random.token(byteCount: 12),
            userID: user.id,
            credentialID: verified.id,
            publicKey: verified.publicKey,
            algorithm: (try? COSEPublicKey(cbor: verified.publicKey))?.algorithm.rawValue ?? 0,
            signCount: Int64(verified.signCount),
            aaguid: verified.aaguid,
            backupEligible: verified.isBackupEligible,
            backupState: verified.isBackedUp,
            userVerifying: verified.isUserVerified,
            transports: verified.transports,
            attestationFormat: verified.attestationFormat.rawValue,
            attestationType: verified.attestationType.rawValue,
            kind: kind,
            label: label,
            createdAt: now
        )
        do {
            try store.insertWebAuthnCredential(record)
        } catch let error as StoreError where error.code == .conflict {
            // §7.1 step 26: a credential ID registered already (to anyone) is refused.
            return .refused("credential_registered")
        }
        return .added(record)
    }

    /// The user's name for a credential, cleaned (printable, at most 64 characters), or a
    /// default with the date.
    static func credentialLabel(_ text: String?, kind: String, now: Date) -> String {
        let cleaned = String(
            (text ?? "").unicodeScalars.filter { !$0.properties.isWhitespace || $0 == " " }
                .filter { $0.properties.generalCategory != .control }.map(Character.init)
        ).trimmingCharacters(in: .whitespaces).prefix(64)
        if !cleaned.isEmpty { return String(cleaned) }
        let date = ISO8601DateFormatter.string(from: now, timeZone: .gmt, formatOptions: [.withFullDate])
        return (kind == "passkey" ? "Passkey" : "Security key") + " added \(date)"
    }
}
