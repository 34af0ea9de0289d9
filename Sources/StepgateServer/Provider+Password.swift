import Foundation
import StepgateCore
import StepgateCrypto
import StepgateHTTP
import StepgateStore

/// The password change (`/account/password`), behind the same gate as every factor change: a
/// fresh step-up (`enrolment.max_age`) at the management level, and the account CSRF token.
///
/// A change verifies the current password (a wrong one counts against the account's failure
/// budget, like a failed sign-in), then in one store transaction sets the new hash, ends every
/// other session of the user, revokes every refresh token of the user, and moves this session to
/// a new ID (NIST SP 800-63B §7.1, OWASP ASVS V3.3). Remembered browsers are kept: they only make
/// a sign-in look less unusual and never stand in for a factor. The user is told at each address
/// and number they have for codes.
extension Provider {
    /// `GET /account/password`: the form.
    func passwordPage(_ request: HTTPRequest) throws -> HTTPResponse {
        try managing(request, returnTo: "/account/password") { session, user in
            passwordForm(200, session: session, user: user, error: nil)
        }
    }

    /// `POST /account/password` with `current`, `new` and `confirm`.
    func changePassword(_ request: HTTPRequest) throws -> HTTPResponse {
        try managing(request, returnTo: "/account/password") { session, user in
            let form = try? request.formBody()
            func field(_ name: String) -> String { ((try? form?.single(name)) ?? nil) ?? "" }
            let current = field("current")
            let new = field("new")
            if let retry = try throttled(user.id) {
                var response = passwordForm(429, session: session, user: user, error: Self.throttledText(retry))
                response.headers.set("Retry-After", String(retry))
                return response
            }
            if !constantTimeEquals(new, field("confirm")) {
                return passwordForm(400, session: session, user: user, error: "The new passwords do not match.")
            }
            if let problem = PasswordRule.problem(new) {
                return passwordForm(400, session: session, user: user, error: problem)
            }

            guard current.utf8.count <= PasswordRule.maximumBytes,
                passwords.verify(Array(current.utf8), against: user.passwordHash)
            else { return try wrongCurrentPassword(session: session, user: user, requestID: request.requestID) }
            if constantTimeEquals(current, new) {
                let text = "Choose a new password that differs from the current one."
                return passwordForm(400, session: session, user: user, error: text)
            }

            return try applyPasswordChange(new, session: session, user: user, requestID: request.requestID)
        }
    }

    /// Stores the change, audits it, tells the user, and answers with the rotated session cookie.
    // Known gap: access tokens issued before the change are not revoked; they stay valid until
    // they expire (`access_token.lifetime`). Sessions and refresh tokens end at once.
    private func applyPasswordChange(_ new: String, session: SessionContext, user: UserRecord, requestID: String)
        throws -> HTTPResponse
    {
        let id = random.token(byteCount: 32)
        let change = PasswordChange(
            userID: user.id,
            expectedHash: user.passwordHash,
            newHash: try passwords.hash(Array(new.utf8)),
            keptSession: PasswordChange.KeptSession(idHash: session.idHash, newIDHash: SecretHash.hash(id)),
            at: clock.now
        )
        guard let result = try store.changePassword(change) else {
            // Another request changed the password or ended this session in between.
            return errorPage(409, "Your password was changed meanwhile. Open your account page and try again.")
        }
        audit(
            .passwordChanged,
            requestID: requestID,
            [
                AuditKey.subject: user.id, AuditKey.sessionsEnded: String(result.sessionsEnded),
                AuditKey.refreshTokensRevoked: String(result.refreshTokensRevoked),
            ]
        )
        logger.notice("password changed", [LogKey.requestID: requestID, LogKey.subject: user.id])
        try notifyFactorChange(userID: user.id, change: .passwordChanged, requestID: requestID)
        var response = accountDone(.password)
        response.setCookie(try sessionCookie(value: id))
        return response
    }

    /// A wrong current password: counted against the failure budget, audited, the form again.
    private func wrongCurrentPassword(session: SessionContext, user: UserRecord, requestID: String) throws
        -> HTTPResponse
    {
        try store.recordFailure(userID: user.id, at: clock.now)
        audit(
            .passwordChangeFailed,
            requestID: requestID,
            [AuditKey.subject: user.id, AuditKey.reason: "wrong_password"]
        )
        logger.notice(
            "password change rejected",
            [LogKey.requestID: requestID, LogKey.subject: user.id, LogKey.reason: "wrong_password"]
        )
        return passwordForm(400, session: session, user: user, error: "The current password is not correct.")
    }

    private func passwordForm(_ status: Int, session: SessionContext, user: UserRecord, error: String?)
        -> HTTPResponse
    {
        let page = PasswordPage(userName: user.name, csrf: csrfToken(session: session, scope: "account"), error: error)
        return .html(status, HTML.page(title: "Change your password", body: page.body))
    }

    private static func throttledText(_ seconds: Int) -> String {
        "Too many failed attempts. Try again in \(max(1, seconds / 60)) minutes."
    }
}
