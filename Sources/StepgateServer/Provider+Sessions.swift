import Foundation
import StepgateCore
import StepgateCrypto
import StepgateHTTP
import StepgateStore

/// A browser session as a request sees it: the cookie's ID, its hash, and the stored row.
struct SessionContext: Sendable {
    let idHash: [UInt8]
    var record: SessionRecord

    /// The session's authentication events as the assurance policy reads them.
    var events: [AuthenticationEvent] {
        record.events.map { AuthenticationEvent(method: AuthenticationMethod(rawValue: $0.method), time: $0.time) }
    }
}

extension Provider {
    /// `__Host-` prefixed over https (RFC 6265bis §4.1.3.2), so no subdomain can plant it.
    var sessionCookieName: String { configuration.isSecure ? "__Host-stepgate_session" : "stepgate_session" }

    /// The live session named by the request's cookie, or nil.
    ///
    /// A session is gone when its absolute lifetime is over, when the level it held has sat idle
    /// longer than that level allows (then the whole session ends, so no old event can be revived
    /// by a fresh one), or when its user has been disabled.
    func loadSession(_ request: HTTPRequest) throws -> SessionContext? {
        guard let idHash = sessionIDHash(request.cookies), let record = try store.session(idHash: idHash),
            isLive(record, now: clock.now)
        else { return nil }
        if let userID = record.userID {
            guard let user = try store.user(id: userID), !user.disabled else { return nil }
        }
        return SessionContext(idHash: idHash, record: record)
    }

    /// The hash of the session cookie's value, when it holds a value of the right shape.
    func sessionIDHash(_ cookies: [String: String]) -> [UInt8]? {
        guard let value = cookies[sessionCookieName], (20...128).contains(value.utf8.count) else { return nil }
        return SecretHash.hash(value)
    }

    /// `record` as a request may use it at `now`, or nil when it is gone (the rules of
    /// `loadSession`). `user` is the session's user as just read from the store, in the same
    /// snapshot; nil when the session has none or the user is unknown.
    func liveSession(_ record: SessionRecord, idHash: [UInt8], user: UserRecord?, now: Date) -> SessionContext? {
        guard isLive(record, now: now) else { return nil }
        if let userID = record.userID {
            guard let user, user.id == userID, !user.disabled else { return nil }
        }
        return SessionContext(idHash: idHash, record: record)
    }

    /// Whether the session's absolute lifetime and the idle limit of the level it held leave it
    /// alive at `now`.
    private func isLive(_ record: SessionRecord, now: Date) -> Bool {
        guard now < record.expiresAt else { return false }
        let events = SessionContext(idHash: [], record: record).events
        let heldLevel = configuration.assurance.achievedLevel(
            events: events,
            lastSeen: record.lastSeenAt,
            now: record.lastSeenAt
        )
        if let idle = heldLevel?.idleLifetime, now.timeIntervalSince(record.lastSeenAt) > idle { return false }
        return true
    }

    /// A new anonymous session and the cookie that carries its ID.
    func createSession() throws -> (SessionContext, SetCookie) {
        let id = random.token(byteCount: 32)
        let now = clock.now
        let record = SessionRecord(
            idHash: SecretHash.hash(id),
            userID: nil,
            createdAt: now,
            lastSeenAt: now,
            expiresAt: now.addingTimeInterval(configuration.sessionLifetime),
            events: []
        )
        try store.insertSession(record)
        return (SessionContext(idHash: record.idHash, record: record), try sessionCookie(value: id))
    }

    func sessionCookie(value: String, maxAge: Int? = nil) throws -> SetCookie {
        try SetCookie(
            name: sessionCookieName,
            value: value,
            path: "/",
            maxAge: maxAge ?? Int(configuration.sessionLifetime),
            httpOnly: true,
            secure: configuration.isSecure,
            sameSite: .lax
        )
    }

    /// The CSRF token of a form for `flowID` in this session: an HMAC, so nothing is stored.
    func csrfToken(session: SessionContext, scope: String) -> String {
        Base64URL.encode(HMAC.authenticationCode(.sha256, key: csrfKey, message: session.idHash + Array(scope.utf8)))
    }

    func isValidCSRF(_ token: String?, session: SessionContext, scope: String) -> Bool {
        guard let token else { return false }
        return constantTimeEquals(token, csrfToken(session: session, scope: scope))
    }

    func logoutPage(_ request: HTTPRequest) throws -> HTTPResponse {
        guard let session = try loadSession(request) else {
            return .html(200, HTML.page(title: "Signed out", body: "<p>You are not signed in.</p>"))
        }
        let body = """
            <form method="post" action="/logout">
            <input type="hidden" name="csrf" value="\(csrfToken(session: session, scope: "logout"))">
            <p>Sign out of Stepgate on this browser?</p>
            <button type="submit">Sign out</button>
            </form>
            """
        return .html(200, HTML.page(title: "Sign out", body: body))
    }

    /// Ends the session (CSRF-protected) and clears its cookie.
    func logout(_ request: HTTPRequest) throws -> HTTPResponse {
        // A body that is not a form, or repeats a field, is the client's fault: 400, never 500.
        guard let form = try? request.formBody(), let csrf = try? form.single("csrf") else {
            return .html(400, HTML.page(title: "Sign out", body: "<p class=\"error\">The request is malformed.</p>"))
        }
        guard let session = try loadSession(request) else {
            return .html(200, HTML.page(title: "Signed out", body: "<p>You are not signed in.</p>"))
        }
        guard isValidCSRF(csrf, session: session, scope: "logout") else {
            return .html(400, HTML.page(title: "Sign out", body: "<p class=\"error\">This form has expired.</p>"))
        }
        try store.deleteSession(idHash: session.idHash)
        audit(.sessionEnded, requestID: request.requestID, [AuditKey.subject: session.record.userID])
        logger.info(
            "session ended",
            [LogKey.requestID: request.requestID, LogKey.subject: session.record.userID ?? "-"]
        )
        var response = HTTPResponse.html(200, HTML.page(title: "Signed out", body: "<p>You are signed out.</p>"))
        response.setCookie(try sessionCookie(value: "", maxAge: 0))
        return response
    }
}
