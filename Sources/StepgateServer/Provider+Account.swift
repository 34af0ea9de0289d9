import Foundation
import StepgateCore
import StepgateCrypto
import StepgateHTTP
import StepgateStore

/// The account page (`/account`): the user's factors, recovery codes and remembered devices,
/// and the gate every change to them goes through.
///
/// Adding or removing a factor needs a fresh step-up (`enrolment.max_age`, 5 minutes by
/// default) at the level the account can reach: the lowest level with a second factor once the
/// user has one, so that a stolen password alone cannot enrol the thief's authenticator. Every
/// change is audited and the user is told at each address and number they have for codes.
extension Provider {
    /// `GET /account`: the overview; signs the user in first when the session has no user.
    func accountPage(_ request: HTTPRequest) throws -> HTTPResponse {
        guard let (session, user) = try accountSession(request) else {
            return try startStepUp(request, accountTicket(acr: lowestLevel, maxAge: nil, returnTo: "/account"))
        }
        let notice = (try? request.parseQuery().single("done")).flatMap { $0 }.flatMap(AccountNotice.init)
        let page = AccountPage(
            userName: user.name,
            csrf: csrfToken(session: session, scope: "account"),
            factors: try store.factors(userID: user.id),
            credentials: try store.webAuthnCredentials(userID: user.id),
            recovery: try store.recoveryCodeCount(userID: user.id),
            devices: try store.devices(userID: user.id),
            currentDevice: deviceIDHash(request.cookies),
            now: clock.now,
            options: AccountPage.Options(
                sms: notifier.supports(.sms),
                email: notifier.supports(.email),
                rememberLifetime: configuration.deviceRememberLifetime
            ),
            notice: notice
        )
        return accountResponse(.html(200, HTML.page(title: "Your sign-in methods", body: page.body)))
    }

    /// The signed-in session and its enabled user; nil when there is neither.
    func accountSession(_ request: HTTPRequest) throws -> (SessionContext, UserRecord)? {
        guard let session = try loadSession(request), let userID = session.record.userID,
            let user = try store.user(id: userID), !user.disabled
        else { return nil }
        return (session, user)
    }

    /// The level and freshness that changing `userID`'s factors takes: the lowest level with
    /// more than a password once the user has a second factor, else the lowest level; both
    /// within `enrolment.max_age`.
    func managementLevel(userID: String) throws -> String {
        let levels = configuration.assurance.levels
        let hasSecondFactor =
            try store.factors(userID: userID).contains { ["totp", "sms", "email"].contains($0.kind) }
            || store.webAuthnCredentials(userID: userID).contains { $0.disabledAt == nil }
            || store.recoveryCodeCount(userID: userID).unused > 0
        guard hasSecondFactor else { return lowestLevel }
        return (levels.first { $0.requirement.count >= 2 } ?? levels.last)?.name ?? lowestLevel
    }

    var lowestLevel: String { configuration.assurance.levels.first?.name ?? configuration.defaultACR }

    /// Nil when the session may change the user's factors now; otherwise the redirect to a
    /// step-up that returns to `returnTo`. Also checks the form's CSRF token for a POST.
    func requireManagement(_ request: HTTPRequest, _ session: SessionContext, userID: String, returnTo: String)
        throws -> HTTPResponse?
    {
        if request.method == .post {
            let form = try? request.formBody()
            guard isValidCSRF((try? form?.single("csrf")) ?? nil, session: session, scope: "account") else {
                logger.notice("csrf token rejected", [LogKey.requestID: request.requestID])
                return errorPage(400, "This form has expired. Open your account page and try again.")
            }
        }
        let name = try managementLevel(userID: userID)
        let now = clock.now
        let assurance = configuration.assurance
        if let required = assurance.level(named: name),
            assurance.meets(
                assurance.achievedLevel(
                    events: session.events,
                    lastSeen: session.record.lastSeenAt,
                    now: now,
                    maxAge: configuration.enrolmentMaxAge
                ),
                required
            )
        {
            return nil
        }
        return try startStepUp(
            request,
            accountTicket(acr: name, maxAge: Int(configuration.enrolmentMaxAge), returnTo: returnTo)
        )
    }

    /// A step-up Stepgate starts for its own account pages.
    func accountTicket(acr: String, maxAge: Int?, returnTo: String) -> StepUpTicket {
        StepUpTicket(
            action: "manage_sign_in_methods",
            acr: acr,
            maxAge: maxAge,
            transactionHash: nil,
            details: .object([
                "fields": .object([:]),
                "reasons": .array([
                    .object([
                        "code": "account.change",
                        "text": "Changing how you sign in needs a recent confirmation that it is you.",
                    ])
                ]),
            ]),
            returnTo: returnTo,
            expiresAt: Int64(clock.now.timeIntervalSince1970) + Int64(configuration.flowLifetime)
        )
    }

    /// Every account response: never cached; the strict policy without scripts unless the page
    /// set its own (the WebAuthn pages allow Stepgate's one script).
    func accountResponse(_ response: HTTPResponse) -> HTTPResponse {
        var response = response
        response.headers.set("Cache-Control", "no-store")
        if response.headers["Content-Security-Policy"] == nil {
            response.headers.set("Content-Security-Policy", ContentSecurityPolicy.policy())
        }
        return response
    }

    /// Back to the overview with a notice.
    func accountDone(_ notice: AccountNotice) -> HTTPResponse {
        .redirect(to: "/account?done=\(notice.rawValue)")
    }

    /// Audits a change to the user's factors and tells the user about it.
    func factorChanged(
        _ kind: AuditKind,
        userID: String,
        factorID: String,
        factorKind: String,
        change: FactorChange,
        requestID: String
    ) throws {
        audit(
            kind,
            requestID: requestID,
            [AuditKey.subject: userID, AuditKey.factorID: factorID, AuditKey.factorKind: factorKind]
        )
        logger.notice(
            kind == .factorRemoved ? "factor removed" : "factor added",
            [LogKey.requestID: requestID, LogKey.subject: userID]
        )
        try notifyFactorChange(userID: userID, change: change, requestID: requestID)
    }
}

/// The notice the overview shows after a change.
enum AccountNotice: String, Sendable {
    case totp
    case phone
    case email
    case securityKey = "security_key"
    case passkey
    case removed
    case remembered
    case forgotten
    case password

    var text: String {
        switch self {
        case .totp: "Your authenticator app is set up."
        case .phone: "Your phone number is confirmed: codes can be sent to it."
        case .email: "Your e-mail address is confirmed: codes can be sent to it."
        case .securityKey: "Your security key is added."
        case .passkey: "Your passkey is added."
        case .removed: "The sign-in method is removed."
        case .remembered: "This browser is remembered."
        case .forgotten: "The browser is forgotten."
        case .password: "Your password is changed. Every other browser and app was signed out."
        }
    }
}
