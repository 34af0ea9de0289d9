import StepgateCrypto

/// Registers a user's software authenticator through Stepgate's account pages (`/account`,
/// `POST /account/webauthn`, the registration page's `data-webauthn="create"` form, then
/// `POST /account/webauthn/finish`), answering any step-up the pages ask for on the way.
public struct WebAuthnEnrolment: Sendable {
    public let driver: LoginDriver
    /// The path of the provider's authorization endpoint, for telling sign-in pages apart.
    public let authorizationPath: String

    public init(driver: LoginDriver, authorizationPath: String) {
        self.driver = driver
        self.authorizationPath = authorizationPath
    }

    /// Registers `driver.user`'s authenticator as a passkey in `session` (signed in or not).
    ///
    /// - Throws: `ProbeError.webAuthn` when the pages offer no registration or refuse it.
    public func register(_ session: ClientSession) throws(ProbeError) {
        guard let webAuthn = driver.user.webAuthn else {
            throw ProbeError(.misuse, "the user has no authenticator")
        }
        let account = driver.issuer + "/account"
        let overview = try signedInPage(session, account)
        guard
            let start = overview.forms.first(where: {
                ($0.action ?? "").hasSuffix("/account/webauthn")
                    && $0.field(named: "kind")?.value == "passkey"
            })
        else { throw ProbeError(.webAuthn, "the account page offers no passkey registration") }
        let chosen = try LoginDriver.submit(
            session,
            start,
            page: overview,
            [:],
            note: "ask to add a passkey"
        )
        guard chosen.isRedirect, let location = chosen.location else {
            throw ProbeError(.webAuthn, "adding a passkey answered \(chosen.status)")
        }
        let page = try signedInPage(session, location)
        guard let form = page.forms.first(where: { $0.attributes["data-webauthn"] == "create" }),
            let challenge = form.attributes["data-challenge"].flatMap(Base64URL.decode),
            let rpID = form.attributes["data-rp-id"],
            let userHandle = form.attributes["data-user-id"].flatMap(Base64URL.decode)
        else {
            throw ProbeError(.webAuthn, "the registration page has no data-webauthn=create form")
        }
        let made = try webAuthn.register(
            challenge: challenge,
            relyingPartyID: rpID,
            userHandle: userHandle
        )
        let values = [
            "credential_id": Base64URL.encode(made.credentialID),
            "client_data": Base64URL.encode(made.clientDataJSON),
            "attestation_object": Base64URL.encode(made.attestationObject),
            "transports": "internal",
            "label": "stepgate probe",
        ]
        let finished = try LoginDriver.submit(
            session,
            form,
            page: page,
            values,
            note: "register the passkey"
        )
        guard finished.isRedirect, let done = finished.location, URLText.query(done, "done") != nil
        else {
            throw ProbeError(
                .webAuthn,
                "the target refused the registration (status \(finished.status))"
            )
        }
        webAuthn.markRegistered()
    }

    /// `url` as a signed-in, freshly stepped-up user sees it (`LoginDriver.signedInPage`).
    private func signedInPage(_ session: ClientSession, _ url: String) throws(ProbeError)
        -> ProbeResponse
    {
        try driver.signedInPage(session, url, authorizationPath: authorizationPath)
    }
}
