/// Answers a provider's sign-in and step-up pages for one user, as a person with their
/// password, authenticator app and security key would: through Stepgate's JSON API
/// (`/api/login`) or through HTML forms found by their `autocomplete` tokens.
public struct LoginDriver: Sendable {
    public let user: ProbeUser
    /// The provider's issuer: pages on its origin are sign-in pages.
    public let issuer: String
    public var options: LoginOptions

    public init(user: ProbeUser, issuer: String, options: LoginOptions) {
        self.user = user
        self.issuer = issuer
        self.options = options
    }

    /// Answers every step from `start` (a sign-in page's URL) until a redirect whose location
    /// `isDone` accepts, and returns that location.
    ///
    /// - Throws: `ProbeError.login` when an answer is refused, a step cannot be answered (an
    ///   SMS code, say) or the pages lead elsewhere; `ProbeError.misuse` in a shared session.
    public func complete(
        _ session: ClientSession,
        from start: String,
        until isDone: (String) -> Bool
    )
        throws(ProbeError) -> String
    {
        guard !session.isSharedFork else {
            throw ProbeError(
                .misuse,
                "a shared signed-in session cannot answer factors; start a new session"
            )
        }
        var location = start
        for _ in 0..<options.maxSteps {
            if usesJSON(location) { return try completeJSON(session, location: location) }
            let response = try session.get(location, note: "sign-in page")
            let next = try completeHTML(session, page: response, isDone: isDone)
            if isDone(next) { return next }
            location = next
        }
        throw ProbeError(.login, "the sign-in did not finish within \(options.maxSteps) steps")
    }

    /// Whether `location` is answered through the JSON API: always with `ui: json`, and with
    /// `ui: auto` for Stepgate's `/login?flow=...`.
    func usesJSON(_ location: String) -> Bool {
        switch options.ui {
        case .json: return URLText.query(location, "flow") != nil
        case .html: return false
        case .auto:
            return URLText.path(location) == "/login" && URLText.query(location, "flow") != nil
        }
    }

    /// The second factor to answer among those offered (`next` names), by preference; nil
    /// when the user can answer none of them.
    func pick(_ offered: Set<String>) -> FactorKind? {
        options.preference.first { kind in
            guard offered.contains(kind.rawValue) else { return false }
            switch kind {
            case .webAuthn: return user.webAuthn?.isRegistered == true
            case .totp: return user.totp != nil
            }
        }
    }

    /// A code for the user's next unused TOTP step.
    func totpCode() throws(ProbeError) -> TOTPAnswerer.Code {
        guard let totp = user.totp else {
            throw ProbeError(.login, "the flow asks for a TOTP code; the user has no seed")
        }
        return try totp.freshCode(maxWait: options.maxWait)
    }

    /// Whether `location` leaves the provider's sign-in pages: another origin, or a path that
    /// is not `/login`, `/stepup`, `/api/login` or the authorization endpoint's.
    public static func leavesSignIn(_ location: String, issuer: String, authorizationPath: String)
        -> Bool
    {
        guard URLText.origin(location) == URLText.origin(issuer) else { return true }
        let path = URLText.path(location)
        return !["/login", "/stepup", "/api/login", authorizationPath].contains(path)
    }
}
