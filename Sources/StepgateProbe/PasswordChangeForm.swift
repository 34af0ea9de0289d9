/// A target's password change page, driven as a person with a password manager would: the form
/// with a `current-password` field and `new-password` fields (the new password, and its
/// confirmation when there is one), found behind any sign-in or fresh step-up it asks for.
public struct PasswordChangeForm: Sendable {
    /// The page's URL: `password_change_url`, or the issuer's `/account/password`.
    public let url: String
    /// Whether the URL came from the target file rather than the default.
    public let isConfigured: Bool
    /// The path of the provider's authorization endpoint, for telling sign-in pages apart.
    public let authorizationPath: String

    public init(url: String, isConfigured: Bool, authorizationPath: String) {
        self.url = url
        self.isConfigured = isConfigured
        self.authorizationPath = authorizationPath
    }

    /// Opens the page in `session` (answering sign-in and step-up as `driver.user`) and
    /// changes the password from `current` to `new`; returns the target's answer.
    ///
    /// - Throws: `CaseSkipped` when the page offers no such form (the target has none), and
    ///   `ProbeError` when a sign-in on the way fails.
    public func change(
        _ session: ClientSession,
        driver: LoginDriver,
        from current: Secret,
        to new: Secret,
        note: String
    ) throws -> ProbeResponse {
        let page = try driver.signedInPage(session, url, authorizationPath: authorizationPath)
        guard page.status == 200,
            let form = page.forms.first(where: {
                $0.field(autocomplete: "current-password") != nil
                    && $0.field(autocomplete: "new-password") != nil
            }),
            let currentField = form.field(autocomplete: "current-password")
        else {
            let source = isConfigured ? "password_change_url" : "the issuer's /account/password"
            throw CaseSkipped(
                "\(source) answered \(page.status) without a form with current-password and new-password "
                    + "fields; set user.password_change_url in the target file"
            )
        }
        var values = [currentField.name: current.revealed]
        for field in form.fields where field.autocomplete.contains("new-password") {
            values[field.name] = new.revealed
        }
        return try LoginDriver.submit(session, form, page: page, values, note: note)
    }

    /// Whether `answer` looks like an accepted change: a redirect, or a page under 400 that does
    /// not show the form again.
    public static func isAccepted(_ answer: ProbeResponse) -> Bool {
        if answer.isRedirect { return true }
        guard answer.status < 400 else { return false }
        return !answer.forms.contains { $0.field(autocomplete: "new-password") != nil }
    }
}
