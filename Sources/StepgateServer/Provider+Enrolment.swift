import Foundation
import StepgateCore
import StepgateCrypto
import StepgateHTTP
import StepgateStore

/// Adding and removing factors from the account page; each handler passes the management gate
/// (`requireManagement`) first, so a stale or password-only session is sent to a step-up.
///
/// A new TOTP app, phone or address is stored as pending (`totp_pending`, `sms_pending`,
/// `email_pending`), which no flow offers, until a first code proves it; it then becomes a
/// factor and the user is told.
extension Provider {
    /// At most this many pending factors per user: each pending phone or address can be sent codes.
    static let maxPendingFactors = 3
    /// At most this many factors per user, pending ones included.
    static let maxFactors = 20

    /// Runs `body` for the signed-in user who passed the management gate; otherwise the gate's
    /// answer (a step-up, or an error for a bad CSRF token).
    func managing(
        _ request: HTTPRequest,
        returnTo: String = "/account",
        _ body: (SessionContext, UserRecord) throws -> HTTPResponse
    ) throws -> HTTPResponse {
        guard let (session, user) = try accountSession(request) else {
            return try startStepUp(request, accountTicket(acr: lowestLevel, maxAge: nil, returnTo: "/account"))
        }
        if let gate = try requireManagement(request, session, userID: user.id, returnTo: returnTo) { return gate }
        return accountResponse(try body(session, user))
    }

    /// Room for one more pending factor; an error page when the user has too many.
    // Known gap: removing a pending phone and adding another starts its per-number code limit
    // afresh; only the three-pending cap and the failure budget bound how many numbers get codes.
    func roomForFactor(userID: String) throws -> HTTPResponse? {
        let factors = try store.factors(userID: userID)
        let pending = factors.filter { $0.kind.hasSuffix("_pending") }.count
        guard factors.count < Self.maxFactors, pending < Self.maxPendingFactors else {
            return errorPage(409, "You have too many sign-in methods waiting or set up. Remove one first.")
        }
        return nil
    }

    // MARK: Authenticator app (TOTP)

    /// `POST /account/totp`: a new pending TOTP secret, shown on `GET /account/totp`.
    func addTOTP(_ request: HTTPRequest) throws -> HTTPResponse {
        try managing(request) { _, user in
            if let full = try roomForFactor(userID: user.id) { return full }
            var seed = TOTP.generateSecret(random: random)
            defer { wipe(&seed) }
            let id = "f_" + random.token(byteCount: 12)
            try store.insertFactor(
                FactorRecord(
                    id: id,
                    userID: user.id,
                    kind: "totp_pending",
                    sealedSecret: try masterKey.seal(seed, purpose: "totp:\(id)"),
                    lastUsedStep: nil,
                    createdAt: clock.now,
                    label: "Authenticator app"
                )
            )
            return .redirect(to: "/account/totp?factor=\(id)")
        }
    }

    /// `GET /account/totp?factor=ID`: the QR code and secret of a pending TOTP factor, and the
    /// form for its first code.
    func totpPage(_ request: HTTPRequest) throws -> HTTPResponse {
        let factorID = (try? request.parseQuery().single("factor")) ?? nil
        return try managing(request, returnTo: "/account") { session, user in
            guard let factorID, let factor = try store.factor(id: factorID), factor.userID == user.id,
                factor.kind == "totp_pending"
            else { return errorPage(404, "There is no authenticator app waiting to be set up. Start again.") }
            return try totpEnrolmentPage(factor, user: user, session: session, failed: false)
        }
    }

    private func totpEnrolmentPage(_ factor: FactorRecord, user: UserRecord, session: SessionContext, failed: Bool)
        throws -> HTTPResponse
    {
        var seed = try masterKey.open(factor.sealedSecret, purpose: "totp:\(factor.id)")
        defer { wipe(&seed) }
        let host = URL(string: configuration.issuer)?.host ?? configuration.serviceName
        let uri = TOTP(secret: seed).provisioningURI(
            issuer: "\(configuration.serviceName) (\(host))",
            account: user.name
        )
        let qr = QRCode(uri)?.svg(label: "QR code for your authenticator app") ?? ""
        let error = failed ? "<p class=\"error\" role=\"alert\">\(Self.uniformFailure)</p>" : ""
        let body = """
            \(error)
            <p>Scan this code with your authenticator app (such as Google Authenticator, Microsoft \
            Authenticator, 1Password or Aegis), then enter the 6-digit code it shows.</p>
            <div class="qr">\(qr)</div>
            <details><summary>Cannot scan? Enter this key instead</summary>
            <p><code class="secret">\(HTML.escape(Base32.encode(seed)))</code></p></details>
            <form method="post" action="/account/totp/confirm">
            <input type="hidden" name="csrf" value="\(csrfToken(session: session, scope: "account"))">
            <input type="hidden" name="factor" value="\(HTML.escape(factor.id))">
            <label for="otp">Code from the app</label>
            <input type="text" id="otp" name="otp" autocomplete="one-time-code" inputmode="numeric" \
            pattern="[0-9]*" maxlength="8" required autofocus>
            <button type="submit">Finish</button>
            </form>
            """
        return .html(failed ? 400 : 200, HTML.page(title: "Set up your authenticator app", body: body))
    }

    /// `POST /account/totp/confirm`: the first code proves the app holds the secret; the time-step
    /// is consumed, so that code cannot be used again for a sign-in.
    func confirmTOTP(_ request: HTTPRequest) throws -> HTTPResponse {
        try managing(request) { session, user in
            let form = try? request.formBody()
            guard let factorID = (try? form?.single("factor")) ?? nil, let factor = try store.factor(id: factorID),
                factor.userID == user.id, factor.kind == "totp_pending"
            else { return errorPage(404, "There is no authenticator app waiting to be set up. Start again.") }
            let code = ((try? form?.single("otp")) ?? nil)?.trimmingWhitespace() ?? ""
            var seed = try masterKey.open(factor.sealedSecret, purpose: "totp:\(factor.id)")
            defer { wipe(&seed) }
            guard code.utf8.count <= 32,
                let step = TOTP(secret: seed).matchingStep(for: code, at: clock.now, after: factor.lastUsedStep),
                try store.consumeTOTPStep(factorID: factor.id, step: step),
                try store.confirmFactor(id: factor.id, userID: user.id, from: "totp_pending", to: "totp")
            else {
                try store.recordFailure(userID: user.id, at: clock.now)
                return try totpEnrolmentPage(factor, user: user, session: session, failed: true)
            }
            try factorChanged(
                .factorAdded,
                userID: user.id,
                factorID: factor.id,
                factorKind: "totp",
                change: .added(kind: "totp", label: factor.label ?? "Authenticator app"),
                requestID: request.requestID
            )
            return accountDone(.totp)
        }
    }

    // MARK: Recovery codes

    /// `POST /account/recovery`: ten new codes, shown once on this response; the old ones stop
    /// working.
    func regenerateRecovery(_ request: HTTPRequest) throws -> HTTPResponse {
        try managing(request) { _, user in
            let codes = try regenerateRecoveryCodes(userID: user.id)
            audit(
                .recoveryCodesRegenerated,
                requestID: request.requestID,
                [AuditKey.subject: user.id, AuditKey.count: String(codes.count)]
            )
            try notifyFactorChange(userID: user.id, change: .recoveryCodesRegenerated, requestID: request.requestID)
            let list = codes.map { "<li><code>\($0)</code></li>" }.joined()
            let body = """
                <p>Keep these codes somewhere safe, such as a password manager or a printed page. Each one \
                lets you sign in or confirm an action once if you lose your other methods. \
                <strong>This is the only time they are shown.</strong></p>
                <ol class="codes">\(list)</ol>
                <p><a href="/account">Back to your account</a></p>
                """
            return .html(200, HTML.page(title: "Your recovery codes", body: body))
        }
    }

    // MARK: Removing

    /// `POST /account/remove` with `id`: removes one of the user's factors or credentials.
    func removeMethod(_ request: HTTPRequest) throws -> HTTPResponse {
        try managing(request) { _, user in
            let id = ((try? request.formBody().single("id")) ?? nil) ?? ""
            if let factor = try store.factor(id: id), factor.userID == user.id,
                try store.deleteFactor(id: id, userID: user.id)
            {
                let kind = factor.kind.replacingOccurrences(of: "_pending", with: "")
                try factorChanged(
                    .factorRemoved,
                    userID: user.id,
                    factorID: id,
                    factorKind: kind,
                    change: .removed(kind: kind, label: factor.label ?? kind),
                    requestID: request.requestID
                )
                return accountDone(.removed)
            }
            if let credential = try store.webAuthnCredentials(userID: user.id).first(where: { $0.id == id }),
                try store.deleteWebAuthnCredential(id: id, userID: user.id)
            {
                try factorChanged(
                    .factorRemoved,
                    userID: user.id,
                    factorID: id,
                    factorKind: credential.kind,
                    change: .removed(kind: credential.kind, label: credential.label),
                    requestID: request.requestID
                )
                return accountDone(.removed)
            }
            return errorPage(404, "That sign-in method is not on your account.")
        }
    }

    // MARK: Remembered devices

    /// `POST /account/device`: `action=remember` remembers this browser for
    /// `device.remember_lifetime`; `action=forget` with `device` (a handle) forgets one.
    func rememberDevice(_ request: HTTPRequest) throws -> HTTPResponse {
        try managing(request) { _, user in
            let form = try? request.formBody()
            let action = (try? form?.single("action")) ?? nil
            switch action {
            case "remember":
                guard let lifetime = configuration.deviceRememberLifetime, let hash = deviceIDHash(request.cookies),
                    try store.setDeviceRemembered(
                        userID: user.id,
                        deviceIDHash: hash,
                        until: clock.now.addingTimeInterval(lifetime),
                        label: DeviceLabel.describe(userAgent: request.headers["User-Agent"] ?? "")
                    )
                else { return errorPage(409, "This browser cannot be remembered. Confirm a sign-in from it first.") }
                audit(.deviceRemembered, requestID: request.requestID, [AuditKey.subject: user.id])
                return accountDone(.remembered)
            case "forget":
                let handle = (try? form?.single("device")) ?? nil
                guard
                    let device = try store.devices(userID: user.id).first(where: {
                        AccountPage.handle($0.deviceIDHash) == handle
                    }),
                    try store.setDeviceRemembered(
                        userID: user.id,
                        deviceIDHash: device.deviceIDHash,
                        until: nil,
                        label: nil
                    )
                else { return errorPage(404, "That browser is not remembered for your account.") }
                audit(.deviceForgotten, requestID: request.requestID, [AuditKey.subject: user.id])
                return accountDone(.forgotten)
            default:
                return errorPage(400, "Unknown action.")
            }
        }
    }
}

/// A short description of a browser from its `User-Agent`, for the list of remembered browsers.
enum DeviceLabel {
    static func describe(userAgent: String) -> String {
        let browsers = [("Edg/", "Edge"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"), ("Safari/", "Safari")]
        let systems = [
            ("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"), ("Windows", "Windows"),
            ("Mac OS X", "macOS"), ("Linux", "Linux"),
        ]
        let browser = browsers.first { userAgent.contains($0.0) }?.1 ?? "A browser"
        let system = systems.first { userAgent.contains($0.0) }?.1
        return system.map { "\(browser) on \($0)" } ?? browser
    }
}
